import type { Command } from 'commander';
import { addSettingOptions, parseDurationSeconds, settingsFromOptions } from '../../src/cli/options.js';
import { runAction } from '../../src/cli/run-action.js';
import { DEFAULT_DRAIN_TIMEOUT_S, runServe } from '../../src/server/run-serve.js';

const HELP = `
Endpoints (each is handled by a pool worker thread unless marked "acceptor"):
  /work?io_ms=&cpu_ms=&bytes=&dist=const|exp|lognormal&seed=
        blocking I/O for io_ms (GIL released), then cpu_ms of CPU time (under the GIL when
        --gil True), then a response of bytes bytes. dist draws io and cpu per request with
        those means, seeded by seed + request number (lognormal: sigma 1).
  /upload               reads the body as it streams (holding its worker), answers {"bytes":N}
  /stream?chunks=&chunk_kb=&delay_ms=
                        chunked response; the worker sleeps delay_ms before each chunk and waits
                        for the socket to take it (a slow reader holds the worker)
  /leak/memory?kb=      retains kb KiB per request, forever
  /leak/fd              opens /dev/null per request and never closes it
  /leak/thread          starts a thread per request that never ends
  /                     200 "ok" (through a worker, so it queues like the app)
  /healthz              200 (acceptor)
  /readyz               200, or 503 while starting or draining (acceptor)
  /_cpdiag/stats        JSON pool/queue/request counters, schema cpdiag.server-stats/1 (acceptor)

Config file: CherryPy ini, [global] section, e.g. server.thread_pool = 16.
Precedence: defaults < --config file < flags. On SIGTERM/SIGINT: stop accepting, /readyz 503,
finish in-flight requests (up to --drain-timeout), exit 0; a second signal exits at once.

Examples:
  cpdiag serve --socket-port 0 --thread-pool 16
  cpdiag serve --config app.conf --gil False --socket-timeout 2
  curl 'http://127.0.0.1:8080/work?io_ms=20&cpu_ms=5&dist=exp&seed=7'
  curl -s http://127.0.0.1:8080/_cpdiag/stats | jq .threads
`;

export function registerServe(program: Command): void {
  const command = program
    .command('serve')
    .description('run the bundled reference threaded server (behaves as CherryPy 18 on cheroot)')
    .option('--config <file>', 'CherryPy-style ini config file ([global] server.* keys)')
    .option('--drain-timeout <duration>', `how long in-flight requests may take after SIGTERM, e.g. 30s, 1m30s (a bare number is seconds) [default ${DEFAULT_DRAIN_TIMEOUT_S}]`, parseDurationSeconds);
  addSettingOptions(command);
  command.addHelpText('after', HELP);
  command.action(runAction(async (opts: Record<string, unknown>) => runServe({
    configFile: opts.config as string | undefined,
    flagSettings: settingsFromOptions(opts),
    drainTimeoutS: (opts.drainTimeout as number | undefined) ?? DEFAULT_DRAIN_TIMEOUT_S,
    stdout: process.stdout,
    log: (line) => process.stderr.write(`${line}\n`),
  })));
}
