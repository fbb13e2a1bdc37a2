// How many requests a proxy lets through to the backend at once, from its own settings: the one
// place that turns Apache's MPM limits and nginx's worker_connections into a concurrency, and a
// wanted concurrency back into those settings (for a fix). Pure.
//   Apache mpm_event: a request being proxied holds one worker thread until its response is sent;
//     MaxRequestWorkers = ThreadsPerChild × ServerLimit threads, so that many requests at most;
//     the rest wait in the listen queue ("AH00484: server reached MaxRequestWorkers setting").
//   nginx: a worker process has worker_connections connections for everything, and a proxied
//     request holds two (the client's and the upstream's); the listening socket takes one more.
//     Past it nginx logs "worker_connections are not enough" and drops the connection it could
//     not serve (a client reset), or answers 500 when the upstream connect found none free.

/** Apache's own defaults for mpm_event (ThreadsPerChild 25, ServerLimit 16 in Apache; cpdiag starts 2 children). */
export const APACHE_DEFAULT_THREADS_PER_CHILD = 25;
export const APACHE_DEFAULT_SERVER_LIMIT = 2;
/** nginx's default worker_connections (Debian's nginx.conf says 768; the compiled-in default is 512; cpdiag's config 1024). */
export const NGINX_DEFAULT_WORKER_CONNECTIONS = 1024;
/** cpdiag's nginx runs one worker process (nginx-config.ts). */
export const NGINX_WORKER_PROCESSES = 1;
/** Connections of an nginx worker that are not requests': its listening socket. */
const NGINX_LISTENERS = 1;

export function apacheMaxRequestWorkers(threadsPerChild: number, serverLimit: number): number {
  return threadsPerChild * serverLimit;
}

/** Proxied requests nginx can hold at once: two connections each, after the listener. */
export function nginxProxiedRequestLimit(workerConnections: number, workerProcesses = NGINX_WORKER_PROCESSES): number {
  return workerProcesses * Math.max(0, Math.floor((workerConnections - NGINX_LISTENERS) / 2));
}

/** The worker_connections that let `requests` proxied requests through at once (inverse of the above). */
export function nginxWorkerConnectionsFor(requests: number, workerProcesses = NGINX_WORKER_PROCESSES): number {
  return 2 * Math.ceil(requests / workerProcesses) + NGINX_LISTENERS;
}

/** The ServerLimit (children) that gives at least `requests` worker threads at `threadsPerChild` each. */
export function apacheServerLimitFor(requests: number, threadsPerChild: number): number {
  return Math.max(1, Math.ceil(requests / threadsPerChild));
}

/** A proxy's request limit and the settings it comes from, in the proxy's own words. */
export interface ProxyConcurrencyLimit {
  /** Requests the proxy lets through to the backend at once. */
  requests: number;
  /** e.g. "MaxRequestWorkers 4 (ThreadsPerChild 2 × ServerLimit 2)", "worker_connections 16 (1 worker)". */
  setting: string;
}

export function apacheConcurrencyLimit(threadsPerChild = APACHE_DEFAULT_THREADS_PER_CHILD, serverLimit = APACHE_DEFAULT_SERVER_LIMIT): ProxyConcurrencyLimit {
  const n = apacheMaxRequestWorkers(threadsPerChild, serverLimit);
  return { requests: n, setting: `MaxRequestWorkers ${n} (ThreadsPerChild ${threadsPerChild} × ServerLimit ${serverLimit})` };
}

export function nginxConcurrencyLimit(workerConnections = NGINX_DEFAULT_WORKER_CONNECTIONS): ProxyConcurrencyLimit {
  return {
    requests: nginxProxiedRequestLimit(workerConnections),
    setting: `worker_connections ${workerConnections} (${NGINX_WORKER_PROCESSES} worker process, 2 connections per proxied request)`,
  };
}
