// npm run bench:models — the deployment models of the bundled server against the same models
// served by real Python servers (examples/deployment/app.py: wsgiref, socketserver's ForkingMixIn
// and ThreadingMixIn, a thread pool — cheroot when installed — and a pre-fork on one socket), at the
// same workloads and ladder: both tables, then per workload whether they pick the same best model
// and how many pairs of models they order differently (target: the same best, within one swap).
// The Python side's stats page (/_cpdiag/stats, counted in memory shared across its forks) gives its
// process pool's and balanced rows' spread, as the bundled server's does. Both sides listen with
// the same backlog (server.socket_queue_size, CherryPy's 5): with app.py's own 128 the Python side
// never dropped a SYN at 16 and 64 connections where the bundled server did (a 1 s retransmit each).
// BENCH_WORKLOADS (io,cpu,mix), BENCH_LEVELS (1,4,16,64), BENCH_LEVEL_S (1) override.
import { availableParallelism, loadavg } from 'node:os';
import { fileURLToPath } from 'node:url';
import { Chalk } from 'chalk';
import { parseScenario } from '../src/scenario/load-scenario.js';
import { resolveCompareSpec } from '../src/compare/compare-spec.js';
import { executeCompare } from '../src/compare/execute-compare.js';
import { compareRankings } from '../src/compare/rank-agreement.js';
import { renderCompareText } from '../src/report/compare-text.js';
import { formatNumber } from '../src/format.js';

const APP = fileURLToPath(new URL('../../examples/deployment/app.py', import.meta.url));
const flags = {
  workloads: process.env.BENCH_WORKLOADS ?? 'io,cpu,mix',
  levels: process.env.BENCH_LEVELS ?? '1,4,16,64',
  levelS: Number(process.env.BENCH_LEVEL_S ?? 1),
};
const chalk = new Chalk({ level: 0 });
const width = Number(process.env.COLUMNS ?? 160);

async function compare(label: string, target?: Record<string, unknown>) {
  const scenario = parseScenario({ name: `models-${label}`, ...(target ? { target } : {}) });
  const spec = resolveCompareSpec({ scenario, flags });
  process.stderr.write(`${label}: ${spec.models.length} models × ${spec.workloads.length} workloads, about ${spec.plannedS} s\n`);
  const { doc } = await executeCompare({ spec, onStep: (_s, sum) => process.stderr.write(`  ${sum.workload} ${sum.label}: ${sum.capacity_rps ?? '–'} req/s\n`) });
  return doc;
}

const started = loadavg()[0];
const bundled = await compare('bundled');
const real = await compare('python', { kind: 'command', command: `/usr/bin/python3 ${APP} --model {model} --processes {processes} --threads {thread_pool} --listen {socket_queue_size} --port {port}`, ready_path: '/', stats_url: '/_cpdiag/stats' });
console.log(`# Deployment models: the bundled server against real Python servers (${availableParallelism()} cores, load average ${formatNumber(started)} at the start, ${formatNumber(loadavg()[0])} at the end)\n`);
console.log('## bundled server\n');
console.log(renderCompareText(bundled, chalk, { width }));
console.log('\n## examples/deployment/app.py\n');
console.log(renderCompareText(real, chalk, { width }));
console.log('\n## ranking agreement\n');
// The target is about the five deployment models; the balanced rows are printed beside them.
const FIVE = ['single', 'fork-per-request', 'thread-per-request', 'process-pool', 'thread-pool'];
for (const [title, models] of [['the five models', FIVE], ['every row (balancers included)', undefined]] as const) {
  console.log(`${title} (a pair within 5% in either is a tie; "strict" counts those too):`);
  for (const a of compareRankings(bundled.summaries, real.summaries, { models })) {
    console.log(`  ${a.workload}: bundled ${a.order_a.join(' > ')} | python ${a.order_b.join(' > ')}: ${a.same_best ? 'same best' : 'DIFFERENT best'}, ${a.discordant_pairs} of ${a.pairs} pairs in opposite order${a.discordant_pairs <= 1 ? ' (within one swap)' : ''}; strict ${a.strict_discordant_pairs}`);
  }
}
