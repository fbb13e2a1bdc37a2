// How many requests the application itself answered 5xx, from the findings: the backend's own count
// and the proxy's relayed count see the same requests (the larger is the count); the client's
// count of non-gateway 5xx (status-origin.ts) stands in only when neither was read. One rule for
// the backend-5xx detector and the fix that names the share.
import type { Findings } from './findings.js';
import { applicationServerErrors } from '../proxy/status-origin.js';

export interface ApplicationErrorCount {
  count: number;
  /** Whether the backend's count or the proxy's access log tied them to the application. */
  tied: boolean;
}

export function applicationErrorCount(f: Findings): ApplicationErrorCount | undefined {
  const server = f.server_5xx_count;
  const relayed = f.proxy?.relayed_5xx;
  if (server !== undefined || relayed !== undefined) return { count: Math.max(server ?? 0, relayed ?? 0), tied: true };
  if (f.errors) return { count: applicationServerErrors(f.errors.by_kind), tied: false };
  return undefined;
}
