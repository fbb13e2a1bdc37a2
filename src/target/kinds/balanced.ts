// N processes on their own loopback ports behind a real load balancer ("Load balancing CherryPy",
// the generic method: several processes on different ports behind nginx's upstream or HAProxy),
// against the process pool's N processes forked after binding one socket. Each backend is a
// target of its own kind (the bundled server, or the user's command with its own {port}), started
// with `processes` = 1 of the run's settings; `server.processes` says how many. The load goes to
// the balancer; the probes follow the balancer and every backend (their process trees), and each
// backend's own stats page gives its request count, from which the spread is read.
import { z } from 'zod';
import { CpdiagError, EXIT } from '../../exit-codes.js';
import type { ServerSettings } from '../../config/settings.js';
import { BALANCER_KINDS, startBalancer, type Balancer, type BalancerKind } from '../../proxy/balancer.js';
import { defineTargetKind } from '../target-kind.js';
import type { RunningTarget, TargetExit } from '../target.js';
import { bundledKind } from './bundled.js';
import { commandKind } from './command.js';

const backendSchema = z.discriminatedUnion('kind', [bundledKind.schema, commandKind.schema]);
type BackendSpec = z.infer<typeof backendSchema>;

const schema = z
  .object({
    kind: z.literal('balanced'),
    balancer: z.enum(BALANCER_KINDS).describe('nginx (an upstream of the processes) or haproxy (a backend of them), round robin'),
    backend: backendSchema.default({ kind: 'bundled' }).describe('what runs behind it, server.processes times: the bundled server or a command with {port}'),
    /**
     * Before the measured run: what the balancer adds to a request, one connection at a time,
     * straight to the first process against through the balancer in alternating rounds (--compare-direct).
     */
    compare_direct: z
      .object({
        rounds: z.number().int().min(2).max(50).default(4).describe('rounds a side (at least 2: the interval needs a spread)'),
        round_s: z.number().positive().max(600).default(0.5).describe('measured seconds per round and side'),
      })
      .strict()
      .optional()
      .describe("measure the balancer's added latency: one connection, direct to a process vs through the balancer"),
  })
  .strict();

export type BalancedSpec = z.infer<typeof schema>;

/** The settings of one backend: the run's, one process each (the balancer makes them N). */
export function backendSettings(settings: ServerSettings): ServerSettings {
  if (settings.model === 'process-pool') {
    throw new CpdiagError('--lb runs server.processes processes on their own ports behind a balancer; --model process-pool forks them on one shared socket: give one of the two', EXIT.USAGE);
  }
  return { ...settings, processes: 1, socket_port: 0 };
}

function startBackend(spec: BackendSpec, settings: ServerSettings, signal?: AbortSignal): Promise<RunningTarget> {
  return spec.kind === 'bundled' ? bundledKind.start(spec, { settings, signal }) : commandKind.start(spec, { settings, signal });
}

export async function startBalanced(spec: BalancedSpec, settings: ServerSettings, signal?: AbortSignal): Promise<RunningTarget> {
  const each = backendSettings(settings);
  const started = await Promise.allSettled(Array.from({ length: settings.processes }, () => startBackend(spec.backend, each, signal)));
  const backends = started.flatMap((s) => (s.status === 'fulfilled' ? [s.value] : []));
  const stopBackends = () => Promise.all(backends.map((b) => b.stop())).then(() => undefined);
  const failed = started.find((s): s is PromiseRejectedResult => s.status === 'rejected');
  if (failed) {
    await stopBackends();
    throw failed.reason;
  }
  let balancer: Balancer;
  try {
    balancer = await startBalancer(spec.balancer, backends.map((b) => b.url));
  } catch (e) {
    await stopBackends();
    throw e;
  }
  let balancerGone = false;
  // The deployment is gone when its balancer is, or every process behind it; one backend that
  // dies is a finding of the run (measure-phase records it), and the balancer answers for it.
  const exited = Promise.race([
    balancer.exited.then((): TargetExit => ({ code: null, signal: null, stderrTail: `the ${spec.balancer} balancer exited` })),
    Promise.all(backends.map((b) => b.exited)).then((exits): TargetExit => exits[exits.length - 1]),
  ]).finally(() => {
    balancerGone = true;
  });
  return {
    kind: 'balanced',
    url: balancer.url,
    pid: balancer.pid,
    command: backends[0].command,
    settings,
    knownSettings: backends[0].knownSettings && { names: [...new Set([...backends[0].knownSettings.names, 'processes' as const])], source: backends[0].knownSettings.source },
    backends: backends.map((b) => ({ url: b.url, pid: b.pid, statsUrl: b.statsUrl, exited: b.exited, hasExited: b.hasExited })),
    balancer: { kind: spec.balancer, cpuSeconds: balancer.cpuSeconds },
    exited,
    hasExited: () => balancerGone,
    stderrTail: () => backends.map((b) => b.stderrTail()).filter(Boolean).join('\n'),
    stop: async (graceMs?: number) => {
      await balancer.stop();
      await Promise.all(backends.map((b) => b.stop(graceMs)));
    },
  };
}

function balancerFlag(text: string): BalancerKind {
  if (!(BALANCER_KINDS as readonly string[]).includes(text)) throw new Error(`--lb: expected ${BALANCER_KINDS.join(' or ')}, got "${text}"`);
  return text as BalancerKind;
}

export const balancedKind = defineTargetKind({
  name: 'balanced',
  schema,
  describe: (spec) => `${spec.backend.kind === 'command' ? spec.backend.command : 'bundled server'} × server.processes behind ${spec.balancer}`,
  reportLabel: (target, code) => `${target.command ? `command ${code(target.command)}` : 'the bundled reference server'}, several processes behind a load balancer`,
  restartable: true,
  flags: [
    { flags: '--lb <balancer>', description: 'run --processes N servers (the bundled one, or --cmd with its own {port} each) on their own ports behind a real load balancer: nginx or haproxy', parse: balancerFlag },
  ],
  wraps: (inner, opts) => {
    if (opts.lb === undefined) return undefined;
    if (inner !== undefined && inner.kind !== 'bundled' && inner.kind !== 'command') throw new CpdiagError(`--lb needs targets cpdiag starts (the bundled server or --cmd), not ${String(inner.kind)}`, EXIT.USAGE);
    return { kind: 'balanced' as const, balancer: opts.lb as BalancerKind, backend: (inner ?? { kind: 'bundled' }) as z.input<typeof backendSchema> };
  },
  start: (spec, { settings, signal }) => startBalanced(spec, settings, signal),
});
