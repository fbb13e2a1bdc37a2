// The architecture of cpdiag, written as rules that CI checks (`npm run lint:deps`, run by .ci/run).
// docs/architecture.md draws the same picture in prose. Data flows one way:
//
//   base (exit codes, version, environment, events, config, format)
//     → parts (server, probe, load, target, proxy, analysis, scenario)
//     → diagnose (findings → ranked causes)
//     → executors (run, sweep, inspect, gate)
//     → documents and reports (document, report)
//     → the command line (src/cli, cli/)
//
// A module may import its own layer's folder and anything below it, never above. Each rule says
// why; there are no exceptions listed, on purpose: a needed exception means the picture is wrong.

const BASE = '^src/[^/]+\\.ts$|^src/config/';
const PARTS = '^src/(server|probe|load|target|proxy|analysis|scenario)/';
const DIAGNOSE = '^src/diagnose/';
const EXECUTORS = '^src/(run|sweep|inspect|gate|compare)/';
const OUTPUT = '^src/(document|report)/';
const COMMAND_LINE = '^(src/cli|cli)/';

module.exports = {
  forbidden: [
    {
      name: 'no-circular',
      severity: 'error',
      comment: 'A cycle means two modules are one concept split in two, or a type sits in the wrong owner; either way neither can be read or tested alone.',
      from: {},
      to: { circular: true },
    },
    {
      name: 'no-orphans',
      severity: 'error',
      comment: 'A module nothing imports is dead code, or an entry point that must be listed here (worker scripts and entries are started by path, not imported).',
      from: {
        orphan: true,
        path: '^(src|cli)/',
        pathNot: [
          '\\.d\\.ts$',
          '^cli/main\\.ts$',
          // Started by path in a worker thread or a child process, never imported.
          '^src/server/(worker-main|serve-entry)\\.ts$',
          '^src/load/ticker-worker\\.ts$',
          '^src/target/watchdog-main\\.ts$',
        ],
      },
      to: {},
    },
    {
      name: 'src-never-imports-cli',
      severity: 'error',
      comment: 'cli/ turns flags into options and calls one function in src/; if src/ reached back up, every library use (a test, a bench, the bundled server) would boot the whole command line.',
      from: { path: '^src/' },
      to: { path: '^cli/' },
    },
    {
      name: 'base-imports-only-base',
      severity: 'error',
      comment: 'Settings, exit codes, the environment, events and formatting are what everything shares; they can depend on nothing that depends on them.',
      from: { path: BASE },
      to: { path: `${PARTS}|${DIAGNOSE}|${EXECUTORS}|${OUTPUT}|${COMMAND_LINE}` },
    },
    {
      name: 'parts-import-no-higher-layer',
      severity: 'error',
      comment: 'The server, probes, load engine, targets, proxies, analysis and scenario files are the parts executors assemble; a part that knew about an executor, a diagnosis or a report could not be reused by the others.',
      from: { path: PARTS },
      to: { path: `${DIAGNOSE}|${EXECUTORS}|${OUTPUT}|${COMMAND_LINE}` },
    },
    {
      name: 'server-stands-alone',
      severity: 'error',
      comment: 'The reference server runs as its own process (and stands in for CherryPy); it may use settings and exit codes, nothing of the tool that measures it.',
      from: { path: '^src/server/' },
      to: { path: '^src/(probe|load|target|proxy|analysis|scenario)/' },
    },
    {
      name: 'analysis-is-pure',
      severity: 'error',
      comment: 'Analysis is pure maths over numbers passed in: no I/O, no process, no exit codes (a bad input there is a programming error, not a usage error), so it can be tested on synthetic series alone.',
      from: { path: '^src/analysis/' },
      to: {
        path: '^src/(?!analysis/)|^node:(fs|child_process|net|http|os|process)$|^(fs|child_process|net|http|os|process)$',
        pathNot: '^src/(format|numbers)\\.ts$',
      },
    },
    {
      name: 'diagnose-imports-no-executor',
      severity: 'error',
      comment: 'The diagnosis reasons over findings; run, sweep and inspect each turn their own document into findings, so the table never depends on how the facts were gathered.',
      from: { path: DIAGNOSE },
      to: { path: `${EXECUTORS}|${OUTPUT}|${COMMAND_LINE}` },
    },
    {
      name: 'executors-import-no-output',
      severity: 'error',
      comment: 'Executors return documents (and stream the one they are writing for crash safety); the output stage decides files and formats, so adding a format never touches an executor.',
      from: { path: EXECUTORS },
      to: { path: `${OUTPUT}|${COMMAND_LINE}` },
    },
    {
      name: 'run-is-the-unit',
      severity: 'error',
      comment: 'A run is the unit others are built from: sweep and gate use runs; a run knows nothing of them, and inspect (no load) uses none of them.',
      from: { path: '^src/run/' },
      to: { path: '^src/(sweep|gate|inspect)/' },
    },
    {
      name: 'inspect-is-independent',
      severity: 'error',
      comment: 'inspect enters at the probes with a live pid and no load; it shares the diagnosis, not the other executors.',
      from: { path: '^src/inspect/' },
      to: { path: '^src/(run|sweep|gate)/' },
    },
    {
      name: 'sweep-and-gate-are-siblings',
      severity: 'error',
      comment: 'Both compose runs; neither needs the other.',
      from: { path: '^src/(sweep|gate)/' },
      to: { path: '^src/(sweep|gate)/', pathNot: '^src/$1/' },
    },
    {
      name: 'compare-composes-sweep-steps',
      severity: 'error',
      comment: 'compare runs sweep steps side by side; the sweep, runs and gates know nothing of it.',
      from: { path: '^src/(run|sweep|gate|inspect)/' },
      to: { path: '^src/compare/' },
    },
    {
      name: 'output-imports-no-command-line',
      severity: 'error',
      comment: 'Documents and renderers are used by every command and by benches; the command line sits on top of them.',
      from: { path: OUTPUT },
      to: { path: COMMAND_LINE },
    },
    {
      name: 'commands-do-not-import-commands',
      severity: 'error',
      comment: 'Each cli/commands/<verb>.ts is flags → options → one call into src/; a command that imports another is doing domain work that belongs in src/.',
      from: { path: '^cli/commands/([^/]+)\\.ts$' },
      to: { path: '^cli/commands/', pathNot: '^cli/commands/$1\\.ts$' },
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    // Only the product's own graph (plus node's core modules, which analysis-is-pure checks).
    exclude: { path: '^(test|bench|dist|node_modules)/' },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.json' },
    enhancedResolveOptions: { exportsFields: ['exports'], conditionNames: ['import', 'require', 'node', 'default'], extensions: ['.ts', '.js'] },
  },
};
