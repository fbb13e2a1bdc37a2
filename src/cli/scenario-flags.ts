// Flags shared by `run`, `sweep`, `baseline` and `gate`: the target, the load and the proxy.
// They override what a scenario file says, which overrides a CherryPy config file (--config).
import { InvalidArgumentError, type Command } from 'commander';
import { describeConfigNotes, readCherryPyConfigFile } from '../config/cherrypy-config.js';
import type { ServerSettings } from '../config/settings.js';
import { CpdiagError, EXIT } from '../exit-codes.js';
import { printWarning } from './output.js';
import { parseScenario } from '../scenario/load-scenario.js';
import type { Scenario } from '../scenario/schema.js';
import { addSettingOptions, parseChoice, parseDurationSeconds, parseInteger, parseNumber, settingsFromOptions } from './options.js';

export function addTargetOptions(cmd: Command): Command {
  return cmd
    .option('--cmd <command>', "run your own server: a command template, e.g. 'python3 app.py --port {port} --threads {thread_pool}' (no shell; settings also in CPDIAG_* env vars)")
    .option('--ready-path <path>', 'with --cmd: path polled until the target answers', '/')
    .option('--ready-timeout <duration>', 'with --cmd: how long to wait for the target to answer', parseDurationSeconds)
    .option('--url <url>', 'attach to a server that is already running (with --pid): nothing is spawned or killed')
    .option('--pid <pid>', 'with --url: the server process to sample', parseInteger(1));
}

export function addLoadOptions(cmd: Command): Command {
  return cmd
    .option('--mode <mode>', 'closed (N connections) or open (fixed arrival rate)', parseChoice(['closed', 'open'] as const))
    .option('-c, --connections <n>', 'closed loop: concurrent connections', parseInteger(1, 10000))
    .option('-R, --rate <rps>', 'open loop: arrival rate in requests/s (implies --mode open)', parseNumber(0.1, 200000))
    .option('--arrival <process>', 'open loop: constant or poisson', parseChoice(['constant', 'poisson'] as const))
    .option('-d, --duration <duration>', 'measured duration, e.g. 10s', parseDurationSeconds)
    .option('--warmup <duration>', 'warm-up before measuring', parseDurationSeconds)
    .option('--path <path>', "request path (replaces the scenario's mix), e.g. '/work?io_ms=20'")
    .option('--timeout <duration>', 'client timeout per request', parseDurationSeconds)
    .option('--probe-interval <ms>', 'process sampling interval in ms', parseInteger(50, 10000))
    .option('--seed <n>', 'seed for arrivals and request mixes', parseInteger(0))
    .option('--slo-p99 <ms>', 'SLO: p99 latency in ms', parseNumber(0.001))
    .option('--proxy <kind>', 'put a real proxy in front of the target: nginx', parseChoice(['nginx'] as const))
    .option('--proxy-read-timeout <duration>', 'nginx proxy_read_timeout', parseDurationSeconds)
    .option('--no-proxy-keepalive', 'nginx: no keep-alive to the upstream')
    .option('--no-proxy-buffering', 'nginx: proxy_buffering off');
}

/** --reports-dir and --no-report: where a command's report folder goes, or none. */
export function addReportOptions(cmd: Command): Command {
  return cmd.option('--reports-dir <dir>', 'where report folders go', 'reports').option('--no-report', 'write no report folder');
}

/** Adds the settings flags too (every server.* setting in kebab-case), and --config. */
export function addRunOptions(cmd: Command): Command {
  addSettingOptions(addLoadOptions(addTargetOptions(cmd)));
  return cmd.option('--config <file>', "a CherryPy config file (the app's own): its [global] server.* values are the target's settings; a scenario's settings and the flags override them");
}

/**
 * The server settings of a CherryPy config file (--config), with its notes printed once. Its
 * address is not used: cpdiag starts each target on a free loopback port.
 */
export function settingsFromConfigFile(path: string, warn: (line: string) => void = printWarning): Partial<ServerSettings> {
  const config = readCherryPyConfigFile(path);
  for (const note of describeConfigNotes(config)) warn(note);
  const { socket_host: host, socket_port: port, ...settings } = config.settings;
  if (host !== undefined || port !== undefined) {
    warn(`${path}: ${[host !== undefined ? 'server.socket_host' : '', port !== undefined ? 'server.socket_port' : ''].filter(Boolean).join(' and ')} not used: cpdiag starts each target on a free loopback port`);
  }
  return settings;
}

/** Applies flags on top of a scenario (or the default scenario when none was given): defaults < --config < scenario < flags. */
export function applyRunFlags(base: Scenario | undefined, opts: Record<string, unknown>, fallbackName = 'default'): Scenario {
  const s: Record<string, any> = structuredClone(base ?? parseScenario({ name: fallbackName, load: { duration_s: 5 } }, fallbackName));
  if (opts.cmd !== undefined && opts.url !== undefined) throw new CpdiagError('--cmd and --url are two kinds of target: give one', EXIT.USAGE);
  if (opts.cmd !== undefined) {
    s.target = { kind: 'command', command: opts.cmd, ready_path: opts.readyPath ?? '/', ready_timeout_s: opts.readyTimeout };
  } else if (opts.url !== undefined || opts.pid !== undefined) {
    if (opts.url === undefined || opts.pid === undefined) throw new CpdiagError('attaching needs both --url and --pid', EXIT.USAGE, 'e.g. --url http://127.0.0.1:8080 --pid 1234');
    s.target = { kind: 'attached', url: opts.url, pid: opts.pid };
  }
  const fromConfig = opts.config !== undefined ? settingsFromConfigFile(opts.config as string) : {};
  s.settings = { ...fromConfig, ...s.settings, ...settingsFromOptions(opts) };
  const load = s.load;
  if (opts.rate !== undefined) {
    load.mode = 'open';
    load.rate_rps = opts.rate;
  }
  if (opts.mode !== undefined) load.mode = opts.mode;
  if (opts.connections !== undefined) load.connections = opts.connections;
  if (opts.arrival !== undefined) load.arrival = opts.arrival;
  if (opts.duration !== undefined) load.duration_s = opts.duration;
  if (opts.warmup !== undefined) load.warmup_s = opts.warmup;
  if (opts.timeout !== undefined) load.timeout_ms = (opts.timeout as number) * 1000;
  if (opts.seed !== undefined) load.seed = opts.seed;
  if (opts.path !== undefined) {
    if (!String(opts.path).startsWith('/')) throw new InvalidArgumentError('--path must start with /');
    s.mix = [{ method: 'GET', path: opts.path, weight: 1 }];
  }
  if (opts.probeInterval !== undefined) s.probes = { ...s.probes, interval_ms: opts.probeInterval };
  if (opts.sloP99 !== undefined) s.slo = { ...(s.slo ?? {}), p99_ms: opts.sloP99 };
  // Proxy flags configure the proxy; without one (--proxy, or the scenario's) they would be ignored.
  if (opts.proxy === undefined && !s.proxy) {
    const orphan = [
      opts.proxyReadTimeout !== undefined ? '--proxy-read-timeout' : '',
      opts.proxyKeepalive === false ? '--no-proxy-keepalive' : '',
      opts.proxyBuffering === false ? '--no-proxy-buffering' : '',
    ].filter(Boolean);
    if (orphan.length > 0) throw new CpdiagError(`${orphan.join(', ')} configure${orphan.length === 1 ? 's' : ''} a proxy, and there is none: add --proxy nginx`, EXIT.USAGE);
  }
  if (opts.proxy === 'nginx' || (s.proxy && (opts.proxyReadTimeout !== undefined || opts.proxyKeepalive === false || opts.proxyBuffering === false))) {
    s.proxy = {
      kind: 'nginx',
      read_timeout_s: opts.proxyReadTimeout ?? s.proxy?.read_timeout_s ?? 60,
      keepalive: opts.proxyKeepalive === false ? false : (s.proxy?.keepalive ?? true),
      buffering: opts.proxyBuffering === false ? false : (s.proxy?.buffering ?? true),
    };
  }
  return parseScenario(s, s.name ?? fallbackName);
}
