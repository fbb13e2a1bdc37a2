// What a document records about the target it measured.

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
    kind: 'nginx'; url: string; read_timeout_s: number; error_log_excerpt?: string[]; upstream_timeouts?: number; premature_closes?: number;
    /** Upstream keepalive on (proxy_http_version 1.1, Connection ""), and reset lines in the error log. */
    keepalive?: boolean; upstream_resets?: number;
  };
}
