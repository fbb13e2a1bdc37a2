// npm run bench:chaos — SIGKILL, SIGTERM, SIGHUP and a closed stdout delivered to `run`, `sweep`,
// `gate` and `run --proxy nginx` at seeded random moments; after each, nothing of the run may be
// alive (the server, nginx master and workers, helpers, the watchdog itself), no nginx directory
// may be left, and the documents on disk must parse and hold every step finished before the blow.
// Prints one row per command and blow, and the total. Target: 0 orphans.
//
//   node dist/bench/chaos.js [--trials N] [--seed S] [--only run,sweep,gate,run-nginx,run-apache] [--blows SIGKILL,...]
//
// --trials is per command (default 20: 5 of each blow); trials run one after another (each starts
// real servers; in parallel they would measure the machine rather than cpdiag).
import { rmSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { loadavg } from 'node:os';
import { createRandom } from '../src/load/prng.js';
import { findNginx } from '../src/proxy/nginx.js';
import { findApache } from '../src/proxy/apache.js';
import { findHaproxy } from '../src/proxy/haproxy.js';
import { CHAOS_BLOWS, CHAOS_COMMANDS, EXPECTED_DURATION_MS, runChaosTrial, type ChaosBlow, type ChaosCommand, type TrialResult } from '../test/helpers/chaos-trial.js';

const { values } = parseArgs({
  options: {
    trials: { type: 'string', default: '20' },
    seed: { type: 'string', default: '1' },
    only: { type: 'string' },
    blows: { type: 'string' },
  },
});
const trialsPerCommand = Number(values.trials);
if (!Number.isInteger(trialsPerCommand) || trialsPerCommand < 1) throw new Error(`--trials must be a positive whole number, got ${values.trials}`);
const random = createRandom(Number(values.seed));
const commands = (values.only ? values.only.split(',') : [...CHAOS_COMMANDS]) as ChaosCommand[];
const blows = (values.blows ? values.blows.split(',') : [...CHAOS_BLOWS]) as ChaosBlow[];
for (const c of commands) if (!CHAOS_COMMANDS.includes(c)) throw new Error(`unknown command ${c} (known: ${CHAOS_COMMANDS.join(', ')})`);
for (const b of blows) if (!CHAOS_BLOWS.includes(b)) throw new Error(`unknown blow ${b} (known: ${CHAOS_BLOWS.join(', ')})`);
if (commands.includes('run-nginx') && !findNginx()) {
  process.stderr.write('nginx is not installed: the run --proxy nginx trials are skipped (apt-get install nginx-light)\n');
  commands.splice(commands.indexOf('run-nginx'), 1);
}
if (commands.includes('run-apache') && !findApache()) {
  process.stderr.write('apache2 is not installed: the run --proxy apache trials are skipped (apt-get install apache2)\n');
  commands.splice(commands.indexOf('run-apache'), 1);
}
if (commands.includes('run-lb-haproxy') && !findHaproxy()) {
  process.stderr.write('haproxy is not installed: the run --lb haproxy trials are skipped (apt-get install haproxy)\n');
  commands.splice(commands.indexOf('run-lb-haproxy'), 1);
}

const results: TrialResult[] = [];
const startedMs = Date.now();
let index = 0;
const total = commands.length * trialsPerCommand;
for (let i = 0; i < trialsPerCommand; i++) {
  for (const command of commands) {
    index++;
    const blow = blows[i % blows.length];
    // One trial in five hits cpdiag while it starts (loading, parsing, maybe spawning); the others
    // anywhere from the moment its first child appears to near the end of the work. (Relative to
    // the spawn, not the start: on a loaded machine node alone may take seconds to load cpdiag.)
    const at = random() < 0.2 ? Math.round(100 + random() * 1500) : { afterSpawnMs: Math.round(random() * 0.9 * EXPECTED_DURATION_MS[command]) };
    const r = await runChaosTrial({ command, blow, at });
    results.push(r);
    const bad = r.leftovers.length > 0 || r.leftoverDirs.length > 0 || r.docProblems.length > 0 || r.exit === 'hung';
    // A failed trial keeps its reports directory for a look; a clean one leaves nothing in /tmp.
    if (!bad) rmSync(r.reportsDir, { recursive: true, force: true });
    process.stderr.write(
      `[${index}/${total}] ${command} ${blow} at ${r.atMs} ms: exit ${r.exit}, ${r.processesSeen} processes seen, ${r.leftovers.length} left` +
        `${bad ? `  <-- ${[...r.leftovers.map((l) => `${l.pid} ${l.cmdline.slice(0, 80)} (${l.why})`), ...r.leftoverDirs, ...r.docProblems].join('; ')}` : ''}\n`,
    );
  }
}

const rows: string[] = [];
rows.push('| command | blow | trials | exits (code/signal: count) | orphan processes | leftover dirs | hung | doc problems | steps on disk before → after blow |');
rows.push('|---|---|---:|---|---:|---:|---:|---:|---|');
for (const command of commands) {
  for (const blow of blows) {
    const rs = results.filter((r) => r.command === command && r.blow === blow);
    if (rs.length === 0) continue;
    const exits = new Map<string, number>();
    for (const r of rs) exits.set(r.exit, (exits.get(r.exit) ?? 0) + 1);
    const sum = (f: (r: TrialResult) => number) => rs.reduce((a, r) => a + f(r), 0);
    rows.push(
      `| ${command} | ${blow} | ${rs.length} | ${[...exits].map(([e, n]) => `${e}: ${n}`).join(', ')} | ${sum((r) => r.leftovers.length)} | ${sum((r) => r.leftoverDirs.length)} | ${sum((r) => (r.exit === 'hung' ? 1 : 0))} | ${sum((r) => r.docProblems.length)} | ${sum((r) => r.stepsBefore)} → ${sum((r) => r.stepsAfter)} |`,
    );
  }
}
const orphans = results.reduce((a, r) => a + r.leftovers.length, 0);
const dirs = results.reduce((a, r) => a + r.leftoverDirs.length, 0);
const hung = results.filter((r) => r.exit === 'hung').length;
const docs = results.reduce((a, r) => a + r.docProblems.length, 0);
process.stdout.write(`\n${rows.join('\n')}\n\n`);
process.stdout.write(
  `${results.length} trials (seed ${values.seed}) in ${((Date.now() - startedMs) / 1000).toFixed(0)} s, load average ${loadavg().map((x) => x.toFixed(1)).join(' ')}: ` +
    `${orphans} orphan processes, ${dirs} leftover directories, ${hung} hung, ${docs} document problems\n`,
);
process.exitCode = orphans + dirs + hung + docs === 0 ? 0 : 1;
