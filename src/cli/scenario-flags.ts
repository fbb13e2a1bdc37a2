// Flags shared by `run`, `sweep`, `baseline` and `gate`: the target, the load, the request, the
// measurement, the proxy, the output and the server settings, each in its own group of --help.
// They override what a scenario file says, which overrides a CherryPy config file (--config).
import { readBoundedText } from '../bounded-read.js';
import { InvalidArgumentError, type Command } from 'commander';
import { describeConfigNotes, readCherryPyConfigFile } from '../config/cherrypy-config.js';
import { SETTING_DEFINITIONS, flagName, type ServerSettings } from '../config/settings.js';
import { CpdiagError, EXIT } from '../exit-codes.js';
import { printWarning } from './output.js';
import { parseScenario } from '../scenario/load-scenario.js';
import type { Scenario } from '../scenario/schema.js';
import { targetFlags, targetSpecFromFlags } from '../target/target-kinds.js';
import { checkLoopbackUrl } from '../probe/server-stats.js';
import { addSettingOptions, asOptionParser, parseChoice, parseDurationMs, parseDurationSeconds, parseInteger, parseNumber, settingsFromOptions } from './options.js';

type RequestSpec = Scenario['mix'][number];

export const HELP_GROUPS = {
  target: 'Target:',
  load: 'Load:',
  request: 'Request (as autocannon: they replace the request of the scenario):',
  measure: 'Measurement:',
  proxy: 'Proxy:',
  output: 'Output:',
} as const;

/** Each target kind's flags (--cmd ..., --url/--pid), from the kinds' table. */
export function addTargetOptions(cmd: Command): Command {
  cmd.optionsGroup(HELP_GROUPS.target);
  for (const flag of targetFlags()) {
    if (flag.parse) cmd.option(flag.flags, flag.description, asOptionParser(flag.parse), flag.defaultValue);
    else cmd.option(flag.flags, flag.description, flag.defaultValue);
  }
  return cmd
    .option('--config <file>', "a CherryPy config file (the app's own): its [global] server.* values are the target's settings (a scenario's settings and the flags override them); with --cmd, {config} is this file with each run's settings applied")
    .option('--stats-url <path>', "the server's statistics: a path on the target (CherryPy: /cpstats/data) or a loopback URL; busy workers, queue and work time per worker are read from it during the run", parseStatsUrl);
}

export function addLoadOptions(cmd: Command): Command {
  return cmd
    .optionsGroup(HELP_GROUPS.load)
    .option('--mode <mode>', 'closed (N connections) or open (fixed arrival rate)', parseChoice(['closed', 'open'] as const))
    .option('-c, --connections <n>', 'closed loop: concurrent connections', parseInteger(1, 10000))
    .option('-R, --rate <rps>', 'open loop: arrival rate in requests/s (implies --mode open)', parseNumber(0.1, 200000))
    .option('--arrival <process>', 'open loop: constant or poisson', parseChoice(['constant', 'poisson'] as const))
    .option('-d, --duration <duration>', 'measured duration, e.g. 10s, 1m30s', parseDurationSeconds)
    .option('--warmup <duration>', 'warm-up before measuring', parseDurationSeconds)
    .option('--timeout <duration>', 'client timeout per request', parseDurationSeconds)
    .option('--seed <n>', 'seed for arrivals and request mixes', parseInteger(0))
    .optionsGroup(HELP_GROUPS.request)
    .option('--path <path>', "request path, e.g. '/work?io_ms=20'")
    .option('-m, --method <method>', 'HTTP method, e.g. POST', parseMethod)
    .option('-H, --header <header>', "a request header 'Name: value' (or Name=value), repeatable", collectHeader)
    .option('-b, --body <body>', 'request body')
    .option('--body-file <file>', "request body read from a file (autocannon's -i)")
    .optionsGroup(HELP_GROUPS.measure)
    .option('--probe-interval <duration>', 'process sampling interval, e.g. 250ms (a bare number is milliseconds)', (t: string) => Math.round(parseDurationMs(50, 10000)(t)))
    .option('--slo-p99 <duration>', 'SLO: p99 latency, e.g. 250ms or 1s (a bare number is milliseconds)', parseDurationMs(0.001))
    .optionsGroup(HELP_GROUPS.proxy)
    .option('--proxy <kind>', 'put a real proxy in front of the target: nginx or apache', parseChoice(['nginx', 'apache'] as const))
    .option('--proxy-read-timeout <duration>', 'nginx proxy_read_timeout; Apache ProxyTimeout', parseDurationSeconds)
    .option('--proxy-timeout <duration>', 'the same as --proxy-read-timeout (Apache calls it ProxyTimeout)', parseDurationSeconds)
    .option('--no-proxy-keepalive', 'no keep-alive to the upstream')
    .option('--no-proxy-buffering', 'nginx: proxy_buffering off')
    .option('--apache-style <style>', 'Apache front: rewrite (RewriteRule ... [P]) or proxypass', parseChoice(['rewrite', 'proxypass'] as const))
    .option('--proxy-check', 'before the load: report what the backend sees of the client (Host, X-Forwarded-*, peer address)')
    .option('--compare-direct', 'before the run: the same workload direct and through the proxy in alternating rounds (what the proxy costs)')
    .option('--compare-rounds <n>', 'with --compare-direct: rounds a side (default 6)', parseInteger(2, 50))
    .option('--compare-round <duration>', 'with --compare-direct: measured time per round and side (default 1s)', parseDurationSeconds)
    .option('--static-prefix <prefix>', 'the proxy serves this prefix itself from files cpdiag writes (nginx location + root, Apache Alias), e.g. /static/')
    .option('--apache-rewrite-ne', 'Apache: RewriteRule [P,NE] (forwards the unescaped path)')
    .option('--apache-escape-fix', 'Apache: RewriteMap escape int:escape and ${escape:$1} in the RewriteRule')
    .option('--apache-threads <n>', 'Apache mpm_event ThreadsPerChild', parseInteger(1, 1000))
    .option('--apache-servers <n>', 'Apache mpm_event ServerLimit (children)', parseInteger(1, 64))
    .option('--nginx-worker-connections <n>', 'nginx worker_connections (one worker; a proxied request holds two)', parseInteger(4, 65536));
}

/**
 * The output group: --json (what it prints is the command's), -q, and the report folder unless
 * `report` is false. Added last, so that the command's own options come first in --help.
 */
export function addOutputOptions(cmd: Command, o: { json: string; report: boolean }): Command {
  cmd.optionsGroup(HELP_GROUPS.output).option('--json', o.json).option('-q, --quiet', 'no progress and no file list: only the answer (the recommendation, the verdict, the top cause)');
  if (o.report) addReportOptions(cmd);
  return cmd;
}

/** --reports-dir and --no-report: where a command's report folder goes, or none. */
export function addReportOptions(cmd: Command): Command {
  return cmd.option('--reports-dir <dir>', 'where report folders go', 'reports').option('--no-report', 'write no report folder');
}

/**
 * Target, load, request, measurement and proxy flags, and every server setting (--thread-pool,
 * …). The settings are listed compactly below the option groups rather than two lines each: with
 * them one per option, `sweep --help` ran to 120 lines.
 */
export function addRunOptions(cmd: Command): Command {
  addLoadOptions(addTargetOptions(cmd));
  addSettingOptions(cmd);
  for (const def of SETTING_DEFINITIONS) cmd.options.find((o) => o.long === `--${flagName(def.name)}`)?.hideHelp();
  cmd.optionsGroup('Options:');
  cmd.addHelpText('after', settingsHelp());
  return cmd;
}

function settingsHelp(): string {
  const flags = SETTING_DEFINITIONS.map((d) => `--${flagName(d.name)} <${d.unit === 's' ? 'duration' : d.kind === 'bool' ? 'bool' : 'value'}>`);
  return `\nServer settings (CherryPy's server.* keys; they override --config and the scenario;\n\`cpdiag serve --help\` explains each):\n${wrapWords(flags, 96, '  ')}`;
}

function wrapWords(words: string[], width: number, indent: string): string {
  const lines: string[] = [];
  let line = indent;
  for (const w of words) {
    if (line.length + w.length + 1 > width && line.trim()) {
      lines.push(line.trimEnd());
      line = indent;
    }
    line += `${w} `;
  }
  if (line.trim()) lines.push(line.trimEnd());
  return lines.join('\n');
}

function parseStatsUrl(text: string): string {
  if (text.startsWith('/')) return text;
  const problem = checkLoopbackUrl(text);
  if (problem) throw new InvalidArgumentError(`expected a path on the target such as /cpstats/data, or a loopback URL: ${problem}`);
  return text;
}

function parseMethod(text: string): string {
  const method = text.trim().toUpperCase();
  if (!/^[A-Z]+$/.test(method)) throw new InvalidArgumentError(`expected an HTTP method such as GET or POST, got "${text}"`);
  return method;
}

/**
 * -H as autocannon reads it: the name up to the first ":" or "=", the value after it (without
 * the optional whitespace HTTP allows around it).
 */
export function parseHeader(text: string): [string, string] {
  const colon = text.indexOf(':');
  const equals = text.indexOf('=');
  const at = Math.min(colon < 0 ? Infinity : colon, equals < 0 ? Infinity : equals);
  const name = Number.isFinite(at) ? text.slice(0, at).trim() : '';
  if (!name || !/^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/.test(name)) throw new InvalidArgumentError(`expected 'Name: value', got "${text}"`);
  const value = text.slice(at + 1).trim();
  if (/[\r\n\0]/.test(value)) throw new InvalidArgumentError(`a header value cannot hold a line break: "${text}"`);
  return [name, value];
}

function collectHeader(text: string, previous: [string, string][] = []): [string, string][] {
  return [...previous, parseHeader(text)];
}

/** True when any of -m, -H, -b, --body-file was given. */
export function hasRequestFlags(opts: Record<string, unknown>): boolean {
  return opts.method !== undefined || opts.header !== undefined || opts.body !== undefined || opts.bodyFile !== undefined;
}

/**
 * The request flags on top of a mix, as autocannon's: --path, -m, -b and --body-file describe the
 * one request, so they need a mix of one (the default, --path, or a scenario with one request) and
 * replace what it says; -H adds headers (a later one of the same name wins) to every request.
 */
export function applyRequestFlags(mix: RequestSpec[], opts: Record<string, unknown>): RequestSpec[] {
  let out: RequestSpec[] = mix.map((m) => (m.headers ? { ...m, headers: { ...m.headers } } : { ...m }));
  if (opts.path !== undefined) {
    if (!String(opts.path).startsWith('/')) throw new CpdiagError('--path must start with /', EXIT.USAGE);
    out = [{ method: 'GET', path: String(opts.path), weight: 1 }];
  }
  if (opts.body !== undefined && opts.bodyFile !== undefined) throw new CpdiagError('-b/--body and --body-file both give the body: use one', EXIT.USAGE);
  const body = opts.bodyFile !== undefined ? readBodyFile(String(opts.bodyFile)) : (opts.body as string | undefined);
  if ((opts.method !== undefined || body !== undefined) && out.length !== 1) {
    throw new CpdiagError(`-m/-b/--body-file describe one request, and the scenario's mix has ${out.length}`, EXIT.USAGE, 'add --path to replace the mix with one request, or give method and body per request in the scenario');
  }
  for (const m of out) {
    if (opts.method !== undefined) m.method = String(opts.method);
    if (body !== undefined) {
      m.body = body;
      delete m.body_bytes;
    }
    const headers = opts.header as [string, string][] | undefined;
    if (headers) {
      const merged: Record<string, string> = { ...(m.headers ?? {}) };
      for (const [name, value] of headers) {
        // Header names are case-insensitive: -H replaces the scenario's header of the same name.
        for (const k of Object.keys(merged)) if (k.toLowerCase() === name.toLowerCase()) delete merged[k];
        merged[name] = value;
      }
      m.headers = merged;
    }
    if (m.headers === undefined) delete m.headers;
  }
  return out;
}

/** A body as large as the default server.max_request_body_size at most. */
const MAX_BODY_FILE_BYTES = 100 * 1024 * 1024;

function readBodyFile(path: string): string {
  return readBoundedText(path, MAX_BODY_FILE_BYTES, '--body-file');
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

/**
 * Applies flags on top of a scenario (or the default scenario when none was given): defaults <
 * --config < scenario < flags. `requestFlags: false` leaves the mix to the caller (a sweep applies
 * them after its preset has put in its workload). `sideTargets`: the gate's --a / --b will replace
 * the target, and take --stats-url and --config with them.
 */
export function applyRunFlags(base: Scenario | undefined, opts: Record<string, unknown>, fallbackName = 'default', o: { requestFlags?: boolean; sideTargets?: boolean } = {}): Scenario {
  const s: Record<string, any> = structuredClone(base ?? parseScenario({ name: fallbackName, load: { duration_s: 5 } }, fallbackName));
  const target = targetSpecFromFlags(opts);
  if (target !== undefined) s.target = target;
  // Behind --lb, --stats-url and --config are each backend's (every process has its own stats page).
  const served = s.target.kind === 'balanced' ? s.target.backend : s.target;
  if (opts.statsUrl !== undefined && served.kind !== 'bundled') served.stats_url = opts.statsUrl;
  else if (opts.statsUrl !== undefined && !o.sideTargets) {
    throw new CpdiagError('--stats-url is for --cmd and --url targets: the bundled server\'s stats are read anyway', EXIT.USAGE);
  }
  // {config} in --cmd is this file with each start's settings; without --config, a [global] of them alone.
  if (opts.config !== undefined && served.kind === 'command') served.config_file = opts.config;
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
  if (o.requestFlags !== false) s.mix = applyRequestFlags(s.mix, opts);
  if (opts.probeInterval !== undefined) s.probes = { ...s.probes, interval_ms: opts.probeInterval };
  if (opts.sloP99 !== undefined) s.slo = { ...(s.slo ?? {}), p99_ms: opts.sloP99 };
  const proxyTimeout = opts.proxyTimeout ?? opts.proxyReadTimeout;
  const apacheFlags = opts.apacheStyle !== undefined || opts.apacheEscapeFix !== undefined || opts.apacheRewriteNe !== undefined || opts.apacheThreads !== undefined || opts.apacheServers !== undefined;
  const compareFlags = opts.compareDirect === true || opts.compareRounds !== undefined || opts.compareRound !== undefined;
  // Behind --lb, --compare-direct measures what the balancer adds (one connection, direct vs through it).
  const balancedCompare = compareFlags && s.target.kind === 'balanced' && opts.proxy === undefined && !s.proxy;
  if (balancedCompare) {
    s.target.compare_direct = { ...(s.target.compare_direct ?? {}), ...(opts.compareRounds !== undefined ? { rounds: opts.compareRounds } : {}), ...(opts.compareRound !== undefined ? { round_s: opts.compareRound } : {}) };
  }
  // Proxy flags configure the proxy; without one (--proxy, or the scenario's) they would be ignored.
  if (opts.proxy === undefined && !s.proxy) {
    const orphan = [
      opts.proxyReadTimeout !== undefined ? '--proxy-read-timeout' : '',
      opts.proxyTimeout !== undefined ? '--proxy-timeout' : '',
      opts.proxyKeepalive === false ? '--no-proxy-keepalive' : '',
      opts.proxyBuffering === false ? '--no-proxy-buffering' : '',
      opts.proxyCheck === true ? '--proxy-check' : '',
      compareFlags && !balancedCompare ? '--compare-*' : '',
      opts.staticPrefix !== undefined ? '--static-prefix' : '',
      apacheFlags ? '--apache-*' : '',
      opts.nginxWorkerConnections !== undefined ? '--nginx-worker-connections' : '',
    ].filter(Boolean);
    if (orphan.length > 0) throw new CpdiagError(`${orphan.join(', ')} configure${orphan.length === 1 ? 's' : ''} a proxy, and there is none: add --proxy nginx or --proxy apache`, EXIT.USAGE);
  }
  if (opts.proxy !== undefined || (s.proxy && (proxyTimeout !== undefined || apacheFlags || opts.nginxWorkerConnections !== undefined || compareFlags || opts.staticPrefix !== undefined || opts.proxyCheck === true || opts.proxyKeepalive === false || opts.proxyBuffering === false))) {
    const kind = opts.proxy ?? s.proxy.kind;
    const same = s.proxy?.kind === kind ? s.proxy : {};
    // What the scenario asks of any proxy (not one kind's settings) survives a change of kind.
    const anyKind = s.proxy ? { static_prefix: s.proxy.static_prefix, compare_direct: s.proxy.compare_direct } : {};
    s.proxy = {
      ...Object.fromEntries(Object.entries(anyKind).filter(([, v]) => v !== undefined)),
      ...same,
      kind,
      read_timeout_s: proxyTimeout ?? same.read_timeout_s ?? 60,
      keepalive: opts.proxyKeepalive === false ? false : (same.keepalive ?? true),
      buffering: opts.proxyBuffering === false ? false : (same.buffering ?? true),
    };
    if (opts.proxyCheck === true) s.proxy.check_forwarded = true;
    if (compareFlags) {
      const c = s.proxy.compare_direct ?? {};
      s.proxy.compare_direct = { ...c, ...(opts.compareRounds !== undefined ? { rounds: opts.compareRounds } : {}), ...(opts.compareRound !== undefined ? { round_s: opts.compareRound } : {}) };
    }
    if (opts.staticPrefix !== undefined) s.proxy.static_prefix = opts.staticPrefix;
    if (kind === 'apache') {
      if (opts.apacheStyle !== undefined) s.proxy.apache_style = opts.apacheStyle;
      if (opts.apacheEscapeFix === true) s.proxy.apache_escape_fix = true;
      if (opts.apacheRewriteNe === true) s.proxy.apache_rewrite_ne = true;
      if (opts.apacheThreads !== undefined) s.proxy.apache_threads_per_child = opts.apacheThreads;
      if (opts.apacheServers !== undefined) s.proxy.apache_server_limit = opts.apacheServers;
    } else if (apacheFlags) {
      // A usage error (exit 2, one line), not commander's InvalidArgumentError: this runs after parsing.
      throw new CpdiagError('--apache-* flags need --proxy apache', EXIT.USAGE);
    }
    if (kind === 'nginx' && opts.nginxWorkerConnections !== undefined) s.proxy.nginx_worker_connections = opts.nginxWorkerConnections;
    else if (opts.nginxWorkerConnections !== undefined) throw new CpdiagError('--nginx-worker-connections needs --proxy nginx', EXIT.USAGE);
  }
  return parseScenario(s, s.name ?? fallbackName);
}
