// What a document records about the target it measured.

export type TargetKind = 'bundled' | 'command' | 'attached';

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
