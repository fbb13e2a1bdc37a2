// `cpdiag serve` from validated options to exit: settings layers, start, the URL line on
// stdout, then wait for SIGTERM/SIGINT, drain, and exit. The CLI file only parses flags.
import { describeConfigNotes, readCherryPyConfigFile } from '../config/cherrypy-config.js';
import { resolveSettings, SettingsError, type ServerSettings } from '../config/settings.js';
import { CpdiagError, EXIT } from '../exit-codes.js';
import { startReferenceServer, type ReferenceServer } from './reference-server.js';

export const DEFAULT_DRAIN_TIMEOUT_S = 30;

export interface ServeOptions {
  configFile?: string;
  /** Settings given as flags (they win over the file). */
  flagSettings: Partial<ServerSettings>;
  drainTimeoutS: number;
  stdout: NodeJS.WritableStream;
  log: (line: string) => void;
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
  const settings = loadServeSettings(opts.configFile, opts.flagSettings, opts.log);
  let server: ReferenceServer;
  try {
    server = await startReferenceServer(settings, { log: opts.log });
  } catch (e) {
    if (e instanceof SettingsError || e instanceof CpdiagError) throw e;
    const err = e as NodeJS.ErrnoException;
    const why = err.code === 'EADDRINUSE' ? `port ${settings.socket_port} is in use` : err.message;
    throw new CpdiagError(`cannot start the server on ${settings.socket_host}:${settings.socket_port}: ${why}`, EXIT.TARGET_FAILED);
  }
  // The server must outlive a bug in one request's handling: log it and keep serving.
  process.on('uncaughtException', (e) => opts.log(`cpdiag serve: internal error (still serving): ${e instanceof Error ? e.stack ?? e.message : String(e)}`));
  opts.log(`cpdiag serve: pid ${process.pid}, ${settings.thread_pool} worker threads ready in ${Math.round(server.startupMs)} ms, gil ${settings.gil ? 'on' : 'off'}`);
  // The one line on stdout: scripts and spawnBundledServer wait for it.
  opts.stdout.write(`${server.url}\n`);

  return new Promise<number>((resolve) => {
    let signalled = false;
    const onSignal = (signal: NodeJS.Signals) => {
      if (signalled) {
        opts.log(`cpdiag serve: second ${signal}, exiting now`);
        process.exit(EXIT.INTERRUPTED);
      }
      signalled = true;
      opts.log(`cpdiag serve: ${signal}, draining (up to ${opts.drainTimeoutS} s; signal again to exit now)`);
      server.drain(opts.drainTimeoutS * 1000).then(async (drained) => {
        opts.log(drained ? 'cpdiag serve: drained, exiting' : 'cpdiag serve: drain deadline passed with requests in flight, exiting');
        await server.close();
        resolve(EXIT.OK);
      }, () => resolve(EXIT.SOFTWARE));
    };
    process.on('SIGTERM', onSignal);
    process.on('SIGINT', onSignal);
  });
}
