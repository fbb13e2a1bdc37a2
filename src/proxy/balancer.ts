// A real load balancer in front of several processes on their own loopback ports ("Load balancing
// CherryPy": the generic method), nginx (an upstream of N servers) or HAProxy (a backend of N
// servers), both in their default round robin and one worker/thread. The one place that knows
// the two apart: callers get a URL, a pid, its CPU so far and stop().
import { readProcessGroupCpuSeconds } from '../probe/process-group-cpu.js';
import { startHaproxy } from './haproxy.js';
import { startNginxProxy } from './nginx.js';

export const BALANCER_KINDS = ['nginx', 'haproxy'] as const;
export type BalancerKind = (typeof BALANCER_KINDS)[number];

export interface Balancer {
  kind: BalancerKind;
  url: string;
  /** Its master (nginx) or only process (HAProxy -db); also its process group. */
  pid: number;
  /** User + system CPU seconds of the balancer's processes so far (read twice around a load: its cost). */
  cpuSeconds(): number;
  exited: Promise<void>;
  stop(): Promise<void>;
}

export async function startBalancer(kind: BalancerKind, backendUrls: readonly string[]): Promise<Balancer> {
  const [first, ...rest] = backendUrls;
  const started = kind === 'nginx'
    // Upstream keepalive on, as a production nginx in front of an app server is set up.
    ? await startNginxProxy({ upstreamUrl: first, moreUpstreamUrls: rest, keepalive: true })
    : await startHaproxy({ serverUrls: backendUrls });
  return {
    kind,
    url: started.url,
    pid: started.pid,
    // Started detached, the balancer leads its own process group: nginx's workers are in it.
    cpuSeconds: () => readProcessGroupCpuSeconds(started.pid),
    exited: started.exited,
    stop: () => started.stop(),
  };
}
