import { Option, type Command } from 'commander';
import { runAction } from '../../src/cli/run-action.js';
import { out, terminalWidth } from '../../src/cli/output.js';
import { whenStdoutCloses } from '../../src/cli/closed-pipes.js';
import { parseDurationSeconds, parseInteger } from '../../src/cli/options.js';
import { EXIT } from '../../src/exit-codes.js';
import { DEFAULT_INSPECT_DURATION_S, DEFAULT_INSPECT_INTERVAL_MS, inspectProcess } from '../../src/inspect/run-inspect.js';
import { renderWatchLine } from '../../src/report/inspect-text.js';
import { buildInspectDocument } from '../../src/inspect/inspect-document.js';
import { WatchWorkers } from '../../src/inspect/watch-workers.js';
import { renderTerminal } from '../../src/report/output-stage.js';
import { chainSampleHandlers, startInspectMetrics } from '../../src/cli/inspect-metrics.js';

interface InspectFlags {
  duration: number;
  interval: number;
  watch?: boolean;
  stats?: string;
  json?: boolean;
  metricsListen?: string;
}

const EXAMPLES = `
Examples:
  $ cpdiag inspect 4242                       3-second look at pid 4242: threads, fds, sockets, memory, causes
  $ cpdiag inspect $(pgrep -f app.py) --duration 10s --json > inspect.json
  $ cpdiag inspect 4242 --stats http://127.0.0.1:8080/cpstats/data   add CherryPy's own pool view
  $ cpdiag inspect 4242 --watch --interval 500ms                       a line per sample until Ctrl-C
  $ cpdiag inspect 4242 --watch --metrics-listen 127.0.0.1:9464         and serve them to Prometheus

Reads only /proc (and \`ss -ltn\` for the listen backlog): it never stops, signals or attaches to
the process. Exit codes: 0 ok (also when the process exits during the window), 2 bad flags,
5 no such process / zombie / kernel thread, 6 not Linux, 130 interrupted (--watch ends this way).
`;

export function registerInspect(program: Command): void {
  program
    .command('inspect')
    .description('read a live process from /proc: threads and what they block in, fds vs limit, sockets, listen queue, memory, drift, probable causes.')
    .argument('<pid>', 'process id', parseInteger(1))
    .addOption(new Option('--duration <duration>', 'observation window, e.g. 3s, 500ms, 1m30s')
      .argParser(parseDurationSeconds).default(DEFAULT_INSPECT_DURATION_S, `${DEFAULT_INSPECT_DURATION_S}s`))
    .addOption(new Option('--interval <duration>', 'time between samples, e.g. 250ms, 1s')
      .argParser((t: string) => parseDurationSeconds(t) * 1000).default(DEFAULT_INSPECT_INTERVAL_MS, `${DEFAULT_INSPECT_INTERVAL_MS}ms`))
    .option('--watch', 'print a line per sample until Ctrl-C, then a summary (exit 130)')
    .option('--stats <url>', "the server's own stats JSON on loopback: bundled /_cpdiag/stats, cheroot statistics or CherryPy /cpstats/data")
    .option('--json', `print the ${'cpdiag.inspect/1'} JSON document instead of text`)
    .option('--metrics-listen <host:port>', 'with --watch: serve the figures at http://HOST:PORT/metrics (OpenMetrics, for Prometheus); loopback only')
    .addHelpText('after', EXAMPLES)
    .action(runAction(async (pid: number, flags: InspectFlags) => {
      const controller = new AbortController();
      const onSignal = () => controller.abort();
      process.once('SIGINT', onSignal);
      process.once('SIGTERM', onSignal);
      // --watch | head: nobody reads the lines any more, so stop sampling.
      const unsubscribe = whenStdoutCloses(onSignal);
      const watch = new WatchWorkers(pid);
      const metrics = await startInspectMetrics(pid, flags.metricsListen, flags.watch);
      try {
        const result = await inspectProcess({
          pid,
          durationS: flags.duration,
          intervalMs: flags.interval,
          statsUrl: flags.stats,
          watch: flags.watch,
          signal: controller.signal,
          onSample: chainSampleHandlers(metrics?.onSample, flags.watch && !flags.json
            ? (s) => {
              const { workers, server } = watch.observe(s);
              process.stdout.write(`${renderWatchLine(s, workers, out, server)}\n`);
            }
            : undefined),
        });
        const doc = buildInspectDocument(result);
        // --watch: the summary after a blank line below the last sample line.
        process.stdout.write(`${flags.watch && !flags.json ? '\n' : ''}${renderTerminal(doc, { json: Boolean(flags.json), chalk: out, width: terminalWidth(process.stdout) })}`);
        return controller.signal.aborted ? EXIT.INTERRUPTED : EXIT.OK;
      } finally {
        unsubscribe();
        await metrics?.close();
        process.removeListener('SIGINT', onSignal);
        process.removeListener('SIGTERM', onSignal);
      }
    }));
}
