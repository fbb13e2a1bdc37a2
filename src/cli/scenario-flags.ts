// Flags shared by `run`, `sweep`, `baseline` and `gate`: the target, the load and the proxy.
// They override what a scenario file says, which overrides a CherryPy config file (--config).
import { InvalidArgumentError, type Command } from 'commander';
import { describeConfigNotes, readCherryPyConfigFile } from '../config/cherrypy-config.js';
import type { ServerSettings } from '../config/settings.js';
import { CpdiagError, EXIT } from '../exit-codes.js';
import { printWarning } from './output.js';
import { parseScenario } from '../scenario/load-scenario.js';
import type { Scenario } from '../scenario/schema.js';
import { targetFlags, targetSpecFromFlags } from '../target/target-kinds.js';
import { addSettingOptions, asOptionParser, parseChoice, parseDurationSeconds, parseInteger, parseNumber, settingsFromOptions } from './options.js';

/** Each target kind's flags (--cmd ..., --url/--pid), from the kinds' table. */
export function addTargetOptions(cmd: Command): Command {
  for (const flag of targetFlags()) {
    if (flag.parse) cmd.option(flag.flags, flag.description, asOptionParser(flag.parse), flag.defaultValue);
    else cmd.option(flag.flags, flag.description, flag.defaultValue);
  }
  return cmd;
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
    .option('--proxy <kind>', 'put a real proxy in front of the target: nginx or apache', parseChoice(['nginx', 'apache'] as const))
    .option('--proxy-read-timeout <duration>', 'nginx proxy_read_timeout; Apache ProxyTimeout', parseDurationSeconds)
    .option('--proxy-timeout <duration>', 'the same as --proxy-read-timeout (Apache calls it ProxyTimeout)', parseDurationSeconds)
    .option('--no-proxy-keepalive', 'no keep-alive to the upstream')
    .option('--no-proxy-buffering', 'nginx: proxy_buffering off')
    .option('--apache-style <style>', 'Apache front: rewrite (RewriteRule ... [P]) or proxypass', parseChoice(['rewrite', 'proxypass'] as const))
    .option('--proxy-check', 'before the load: report what the backend sees of the client (Host, X-Forwarded-*, peer address)')
    .option('--apache-rewrite-ne', 'Apache: RewriteRule [P,NE] (forwards the unescaped path)')
    .option('--apache-escape-fix', 'Apache: RewriteMap escape int:escape and ${escape:$1} in the RewriteRule')
    .option('--apache-threads <n>', 'Apache mpm_event ThreadsPerChild', parseInteger(1, 1000))
    .option('--apache-servers <n>', 'Apache mpm_event ServerLimit (children)', parseInteger(1, 64));
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
  const target = targetSpecFromFlags(opts);
  if (target !== undefined) s.target = target;
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
  const proxyTimeout = opts.proxyTimeout ?? opts.proxyReadTimeout;
  const apacheFlags = opts.apacheStyle !== undefined || opts.apacheEscapeFix !== undefined || opts.apacheRewriteNe !== undefined || opts.apacheThreads !== undefined || opts.apacheServers !== undefined;
  if (opts.proxy !== undefined || (s.proxy && (proxyTimeout !== undefined || apacheFlags || opts.proxyCheck === true || opts.proxyKeepalive === false))) {
    const kind = opts.proxy ?? s.proxy.kind;
    const same = s.proxy?.kind === kind ? s.proxy : {};
    s.proxy = {
      ...same,
      kind,
      read_timeout_s: proxyTimeout ?? same.read_timeout_s ?? 60,
      keepalive: opts.proxyKeepalive === false ? false : (same.keepalive ?? true),
      buffering: opts.proxyBuffering === false ? false : (same.buffering ?? true),
    };
    if (opts.proxyCheck === true) s.proxy.check_forwarded = true;
    if (kind === 'apache') {
      if (opts.apacheStyle !== undefined) s.proxy.apache_style = opts.apacheStyle;
      if (opts.apacheEscapeFix === true) s.proxy.apache_escape_fix = true;
      if (opts.apacheRewriteNe === true) s.proxy.apache_rewrite_ne = true;
      if (opts.apacheThreads !== undefined) s.proxy.apache_threads_per_child = opts.apacheThreads;
      if (opts.apacheServers !== undefined) s.proxy.apache_server_limit = opts.apacheServers;
    } else if (apacheFlags) {
      throw new InvalidArgumentError('--apache-* flags need --proxy apache');
    }
  }
  return parseScenario(s, s.name ?? fallbackName);
}
