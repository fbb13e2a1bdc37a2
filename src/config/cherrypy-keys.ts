// The config keys CherryPy 18 knows: every `server.*` attribute of cherrypy._cpserver.Server
// (which the "server" config namespace sets with setattr, so a misspelt key is silently ignored
// by CherryPy — cpdiag refuses it instead), the config namespaces CherryPy registers, and its
// named environments. test/config/cherrypy-keys.test.ts checks these lists against the
// installed CherryPy.
import { closest, distance } from 'fastest-levenshtein';
import type { SettingName } from './settings.js';

export interface CherryPyServerKey {
  /** The attribute name, as in `server.<name>`. */
  name: string;
  /** The cpdiag setting it sets, when cpdiag models it. */
  setting?: SettingName;
  /** Why cpdiag does not model it (for the "not modelled, ignored" note). */
  note?: string;
}

export const CHERRYPY_SERVER_KEYS: readonly CherryPyServerKey[] = [
  { name: 'socket_port', setting: 'socket_port' },
  { name: 'socket_host', setting: 'socket_host' },
  { name: 'socket_file', note: 'a UNIX socket; cpdiag serves and measures TCP' },
  { name: 'socket_queue_size', setting: 'socket_queue_size' },
  { name: 'socket_timeout', setting: 'socket_timeout' },
  { name: 'accepted_queue_size', setting: 'accepted_queue_size' },
  { name: 'accepted_queue_timeout', setting: 'accepted_queue_timeout' },
  { name: 'shutdown_timeout', note: 'only matters when the server stops' },
  { name: 'protocol_version', note: 'cpdiag speaks HTTP/1.1' },
  { name: 'thread_pool', setting: 'thread_pool' },
  { name: 'thread_pool_max', note: "cheroot's pool does not grow by itself; cpdiag's is fixed at thread_pool" },
  { name: 'max_request_header_size', setting: 'max_request_header_size' },
  { name: 'max_request_body_size', setting: 'max_request_body_size' },
  { name: 'instance', note: 'a Python server object' },
  { name: 'ssl_context', note: 'cpdiag measures plain HTTP' },
  { name: 'ssl_certificate', note: 'cpdiag measures plain HTTP' },
  { name: 'ssl_certificate_chain', note: 'cpdiag measures plain HTTP' },
  { name: 'ssl_private_key', note: 'cpdiag measures plain HTTP' },
  { name: 'ssl_ciphers', note: 'cpdiag measures plain HTTP' },
  { name: 'ssl_module', note: 'cpdiag measures plain HTTP' },
  { name: 'statistics', note: "cpdiag's server always keeps its statistics (/_cpdiag/stats)" },
  { name: 'nodelay', note: 'cpdiag always sets TCP_NODELAY, as CherryPy by default' },
  { name: 'wsgi_version', note: 'no WSGI in cpdiag' },
  { name: 'peercreds', note: 'UNIX sockets only' },
  { name: 'peercreds_resolve', note: 'UNIX sockets only' },
  // A property: a (host, port) tuple sets socket_host and socket_port; a string sets socket_file.
  { name: 'bind_addr' },
];

/** Namespaces CherryPy registers (cherrypy.config, Application and Request namespaces). */
export const CHERRYPY_NAMESPACES: readonly string[] = [
  'checker', 'engine', 'error_page', 'hooks', 'log', 'request', 'response', 'server', 'tools', 'tree', 'wsgi',
];

/** cherrypy._cpconfig.environments: `environment = 'production'` must name one. */
export const CHERRYPY_ENVIRONMENTS: readonly string[] = ['embedded', 'production', 'staging', 'test_suite'];

export function findServerKey(name: string): CherryPyServerKey | undefined {
  return CHERRYPY_SERVER_KEYS.find((k) => k.name === name);
}

/** The closest candidate when it is a plausible typo (a few edits, under a third of the word) or abbreviation. */
export function suggestClosest(word: string, candidates: readonly string[]): string | undefined {
  if (candidates.length === 0) return undefined;
  const lower = word.toLowerCase().replace(/-/g, '_');
  // An abbreviation ('prod' for 'production') is a typo too.
  const prefixed = lower.length >= 3 ? candidates.filter((c) => c.startsWith(lower)) : [];
  if (prefixed.length === 1) return prefixed[0];
  const best = closest(lower, [...candidates]);
  const d = distance(lower, best);
  return d <= Math.min(3, Math.max(1, Math.floor(best.length / 3))) ? best : undefined;
}
