// What a document records about the target it measured.
import type { ForwardedCheck } from '../proxy/check-forwarded.js';

/**
 * A target kind's name (src/target/target-kinds.ts lists them): 'bundled', 'command', 'attached'.
 * A string in documents, so that reading a document never depends on which kinds this build has.
 */
export type TargetKind = string;

export interface TargetInfo {
  kind: TargetKind;
  url: string;
  pid: number;
  command?: string[];
  proxy?: {
    kind: 'nginx' | 'apache'; url: string; read_timeout_s: number; error_log_excerpt?: string[]; upstream_timeouts?: number; premature_closes?: number;
    /** Upstream keepalive on (proxy_http_version 1.1, Connection ""), and reset lines in the error log. */
    keepalive?: boolean; upstream_resets?: number;
    /** Apache: the front style, the escape fix, and what its logs said. */
    /** The proxy serves this prefix itself (scenario proxy.static_prefix). */
    static_prefix?: string;
    apache_style?: 'rewrite' | 'proxypass'; apache_escape_fix?: boolean; apache_rewrite_ne?: boolean; apache_version?: string;
    connection_refused?: number;
    /** What the backend saw of the client through the proxy (--proxy-check; src/proxy/check-forwarded.ts). */
    forwarded?: ForwardedCheck;
    /** Apache refused to forward a path with a raw space (AH10415). */
    unescaped_refused?: number;
    /** Answers the proxy logged, by status (Apache's access log). */
    status_counts?: Record<string, number>;
    /** Request paths (as clients sent them) answered 400/403, and how many of those had %xx in the path. */
    paths_rejected?: { path: string; count: number }[]; escaped_rejected?: number;
  };
}
