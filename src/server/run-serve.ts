// `cpdiag serve` from validated options to exit: settings layers, start, the URL line on
// stdout, then wait for SIGTERM/SIGINT, drain, and exit. Flags are parsed by the callers (the CLI
// command, or the lean entry serve-entry.ts) from the one table in serve-options.ts.
import { describeConfigNotes, readCherryPyConfigFile } from '../config/cherrypy-config.js';
import { resolveSettings, SettingsError, type ServerSettings } from '../config/settings.js';
import { CpdiagError, EXIT } from '../exit-codes.js';
import { startReferenceServer, type ReferenceServer } from './reference-server.js';
import type { ServeArgs } from './serve-options.js';
import { startForkServer, type ForkServer } from './fork-per-request.js';
import { announcePoolWorker, isPoolWorker, listenToPoolMaster, requestPoolStats, runPoolMaster } from './process-pool.js';

export { DEFAULT_DRAIN_TIMEOUT_S } from './serve-options.js';

export interface ServeOptions extends ServeArgs {
  /** The URL line goes here. */
  stdout: NodeJS.WritableStream;
  /** Log lines go here. */
  stderr: NodeJS.WritableStream;
}

/**
 * Writes lines until the stream's reader is gone, then drops them. A server whose log reader
 * died (`cpdiag serve | head -c1`, or the orphan of a killed cpdiag) must keep serving and still
 * drain on SIGTERM: without the 'error' listener an EPIPE becomes an uncaught exception, whose
 * logging raises EPIPE again, a loop that burns a core and starves the signal handler.
 */
export function lineWriter(stream: NodeJS.WritableStream): (line: string) => void {
  let open = true;
  stream.on('error', () => {
    open = false;
  });
  return (line) => {
    if (!open) return;
    try {
      stream.write(`${line}\n`);
    } catch {
      open = false;
    }
  };
}

function isBrokenPipe(e: unknown): boolean {
  const code = (e as NodeJS.ErrnoException | undefined)?.code;
  return code === 'EPIPE' || code === 'ERR_STREAM_DESTROYED';
}

/** Defaults < config file < flags. Throws SettingsError / CpdiagError (exit 2) on bad input. */
export function loadServeSettings(configFile: string | undefined, flagSettings: Partial<ServerSettings>, log?: (line: string) => void): ServerSettings {
  let fileSettings: Partial<ServerSettings> = {};
  if (configFile !== undefined) {
    const config = readCherryPyConfigFile(configFile);
    for (const note of describeConfigNotes(config)) log?.(`cpdiag serve: ${note}`);
    fileSettings = config.settings;
  }
  return resolveSettings(fileSettings, flagSettings);
}

/** Runs the server until a signal; resolves with the exit code. */
export async function runServe(opts: ServeOptions): Promise<number> {
  const log = lineWriter(opts.stderr);
  const out = lineWriter(opts.stdout);
  const settings = loadServeSettings(opts.configFile, opts.flagSettings, log);
  const poolWorker = settings.model === 'process-pool' && isPoolWorker();
  if (settings.model === 'process-pool' && !poolWorker) {
    try {
      return await runPoolMaster(settings, { log, out, drainTimeoutS: opts.drainTimeoutS });
    } catch (e) {
      throw new CpdiagError(`cannot start the process pool on ${settings.socket_host}:${settings.socket_port}: ${(e as Error).message}`, EXIT.TARGET_FAILED);
    }
  }
  let server: ReferenceServer | ForkServer;
  try {
    server = settings.model === 'fork-per-request'
      ? await startForkServer(settings, log)
      : await startReferenceServer(settings, { log, aggregateStats: poolWorker ? requestPoolStats : undefined });
  } catch (e) {
    if (e instanceof SettingsError || e instanceof CpdiagError) throw e;
    const err = e as NodeJS.ErrnoException;
    const why = err.code === 'EADDRINUSE' ? `port ${settings.socket_port} is in use` : err.message;
    throw new CpdiagError(`cannot start the server on ${settings.socket_host}:${settings.socket_port}: ${why}`, EXIT.TARGET_FAILED);
  }
  // The server must outlive a bug in one request's handling: log it and keep serving. A reader
  // gone from our own stdout/stderr is no bug, and logging it would only raise it again.
  process.on('uncaughtException', (e) => {
    if (isBrokenPipe(e)) return;
    log(`cpdiag serve: internal error (still serving): ${e instanceof Error ? e.stack ?? e.message : String(e)}`);
  });
  if (poolWorker) {
    // The master prints the URL once every process listens.
    announcePoolWorker(server.url, server.startupMs);
  } else {
    log(`cpdiag serve: pid ${process.pid}, model ${settings.model}, ${describeThreads(settings)} ready in ${Math.round(server.startupMs)} ms, gil ${settings.gil ? 'on' : 'off'}`);
    // The one line on stdout: scripts and spawnBundledServer wait for it.
    out(server.url);
  }

  return new Promise<number>((resolve) => {
    let signalled = false;
    const onSignal = (signal: NodeJS.Signals) => {
      if (signalled) {
        log(`cpdiag serve: second ${signal}, exiting now`);
        process.exit(EXIT.INTERRUPTED);
      }
      signalled = true;
      log(`cpdiag serve: ${signal}, draining (up to ${opts.drainTimeoutS} s; signal again to exit now)`);
      server.drain(opts.drainTimeoutS * 1000).then(async (drained) => {
        log(drained ? 'cpdiag serve: drained, exiting' : 'cpdiag serve: drain deadline passed with requests in flight, exiting');
        await server.close();
        // A pool worker's channel to its master would keep it alive.
        if (poolWorker) process.disconnect?.();
        resolve(EXIT.OK);
      }, () => resolve(EXIT.SOFTWARE));
    };
    if (poolWorker) {
      // The master forwards signals as a message: a terminal's Ctrl-C reaches every process.
      const own = server as ReferenceServer;
      listenToPoolMaster(() => own.stats(), () => onSignal('SIGTERM'));
      process.on('SIGINT', () => {});
      process.on('SIGTERM', onSignal);
    } else {
      process.on('SIGTERM', onSignal);
      process.on('SIGINT', onSignal);
    }
  });
}

function describeThreads(settings: ServerSettings): string {
  switch (settings.model) {
    case 'single': return '1 thread (accepts one request at a time)';
    case 'thread-per-request': return 'a new thread per connection';
    case 'fork-per-request': return 'a new process per connection';
    default: return `${settings.thread_pool} worker threads`;
  }
}
