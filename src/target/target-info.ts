// What a document records about the target it measured.
import type { ForwardedCheck } from '../proxy/check-forwarded.js';

/**
 * A target kind's name (src/target/target-kinds.ts lists them): 'bundled', 'command', 'attached'.
 * A string in documents, so that reading a document never depends on which kinds this build has.
 */
export type TargetKind = string;

/**
 * What a balancer did when a process behind it died mid-run: answered errors until the end
 * ('errors'), answered errors for the requests in flight and then routed around it
 * ('errors-then-routed-around'), or routed around it with no error at all ('routed-around').
 */
export type BalancerAnswer = 'routed-around' | 'errors-then-routed-around' | 'errors';

/** A balanced target (N processes behind nginx or HAProxy) as measured. */
export interface BalancerInfo {
  kind: string;
  backends: { url: string; pid: number }[];
  /** Requests each backend served over the measured window, from its own stats (upstream order). */
  requests_per_backend?: number[];
  /** The busiest backend's requests over the mean (1 is an even spread). */
  skew?: number;
  /** The balancer's own CPU (its processes, from /proc) over the measured load, and per response. */
  cpu_s?: number;
  cpu_ms_per_request?: number;
  /** When a backend died mid-run: what the balancer answered from then on. */
  after_backend_exit?: { t_s: number; requests: number; errors: number; errors_by_kind: Record<string, number>; answer: BalancerAnswer };
}

export interface TargetInfo {
  kind: TargetKind;
  url: string;
  pid: number;
  command?: string[];
  balancer?: BalancerInfo;
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
    /**
     * Requests the proxy lets through to the backend at once, from its settings
     * (src/proxy/proxy-limits.ts), with those settings named; and how often its error log said
     * it hit that limit (Apache AH00484, nginx "worker_connections are not enough").
     */
    concurrency_limit?: number; concurrency_limit_setting?: string; limit_reached?: number;
    apache_threads_per_child?: number; apache_server_limit?: number; nginx_worker_connections?: number;
    /** 5xx answers the proxy relayed from the backend (its access log), their paths, and the 5xx it made itself (nginx). */
    relayed_5xx?: number; paths_5xx?: { path: string; count: number }[]; own_5xx?: number;
  };
}
