// The scenario file format (YAML), validated with zod so that a bad file gets the path of the
// bad field and what was expected, and nothing runs. Documented in scenarios/README.md.
import { z } from 'zod';
import { DEFAULT_TARGET_SPEC, targetSpecSchema } from '../target/target-kinds.js';

const requestSpec = z
  .object({
    name: z.string().optional(),
    method: z.string().regex(/^[A-Z]+$/, 'an HTTP method in capitals, e.g. GET').default('GET'),
    path: z.string().startsWith('/', 'a path starting with /'),
    headers: z.record(z.string()).optional(),
    body: z.string().optional(),
    body_bytes: z.number().int().nonnegative().optional(),
    weight: z.number().positive().default(1),
  })
  .strict();

const slowClient = z
  .object({
    count: z.number().int().positive().max(1000),
    upload_bytes_per_s: z.number().positive().optional(),
    read_bytes_per_s: z.number().positive().optional(),
    idle_hold_s: z.number().positive().optional(),
    request: requestSpec.optional(),
  })
  .strict()
  .refine((s) => s.upload_bytes_per_s !== undefined || s.read_bytes_per_s !== undefined || s.idle_hold_s !== undefined, {
    message: 'a slow client needs upload_bytes_per_s, read_bytes_per_s or idle_hold_s',
  });

const load = z
  .object({
    mode: z.enum(['closed', 'open']).default('closed'),
    connections: z.number().int().positive().max(10000).optional(),
    rate_rps: z.number().positive().max(200000).optional(),
    arrival: z.enum(['constant', 'poisson']).default('constant'),
    max_connections: z.number().int().positive().max(10000).optional(),
    duration_s: z.number().positive().max(3600).default(10),
    warmup_s: z.number().nonnegative().max(600).default(1),
    timeout_ms: z.number().positive().default(30000),
    window_ms: z.number().int().min(100).max(60000).default(1000),
    seed: z.number().int().default(1),
  })
  .strict();

const proxy = z
  .object({
    kind: z.enum(['nginx', 'apache']).describe('nginx, or Apache (Debian apache2 with mod_rewrite and mod_proxy_http)'),
    /** nginx proxy_read_timeout; Apache ProxyTimeout. */
    read_timeout_s: z.number().positive().default(60),
    send_timeout_s: z.number().positive().optional(),
    connect_timeout_s: z.number().positive().optional(),
    keepalive: z.boolean().default(true),
    buffering: z.boolean().default(true),
    client_max_body_size: z.string().optional(),
    /** Fault injection: point the proxy at a closed loopback port, as if the backend were not running. */
    backend_down: z.boolean().optional(),
    /** Before the load: what the backend sees of the client through the proxy (bundled server's /headers). */
    check_forwarded: z.boolean().optional(),
    /** Apache only: RewriteRule ^(.*)$ http://backend$1 [P] ('rewrite', the default) or ProxyPass ('proxypass'). */
    apache_style: z.enum(['rewrite', 'proxypass']).optional(),
    /** Apache only: RewriteMap escape int:escape with ${escape:$1} (the fix for unescaped paths). */
    apache_escape_fix: z.boolean().optional(),
    /** Apache only: [P,NE] — mod_rewrite forwards the unescaped path (Apache >= 2.4.56 then refuses it with 403). */
    apache_rewrite_ne: z.boolean().optional(),
    /** Apache only: mpm_event ThreadsPerChild and ServerLimit (MaxRequestWorkers is their product). */
    apache_threads_per_child: z.number().int().min(1).max(1000).optional(),
    apache_server_limit: z.number().int().min(1).max(64).optional(),
    /** nginx only: worker_connections of its one worker process (a proxied request holds two). Default 1024. */
    nginx_worker_connections: z.number().int().min(4).max(65536).optional(),
    /**
     * Before the measured run: the same workload direct and through the proxy in alternating short
     * rounds (proxy_cost in the run document: latency added, capacity ratio, the proxy's CPU).
     */
    compare_direct: z
      .object({
        rounds: z.number().int().min(2).max(50).default(6).describe('rounds a side (at least 2: the interval needs a spread)'),
        round_s: z.number().positive().max(600).default(1).describe('measured seconds per round and side'),
      })
      .strict()
      .optional()
      .describe('measure what the proxy costs: direct vs proxied, interleaved, before the run'),
    /**
     * The proxy serves URLs under this prefix from a directory itself (nginx location + root,
     * Apache Alias); only the rest reaches the backend. cpdiag writes the files (static_files).
     */
    static_prefix: z.string().regex(/^\/[A-Za-z0-9._~\/-]*\/$/, 'a path prefix that starts and ends with /, e.g. /static/').optional(),
  })
  .strict();

const slo = z
  .object({
    p99_ms: z.number().positive().optional(),
    p95_ms: z.number().positive().optional(),
    error_rate: z.number().min(0).max(1).optional(),
  })
  .strict();

/** Sweep section: which setting(s) to vary and how to ramp the load at each value. */
const sweep = z
  .object({
    setting: z.string(),
    values: z.array(z.number()).min(1).optional(),
    range: z.string().optional(),
    setting2: z.string().optional(),
    values2: z.array(z.number()).min(1).optional(),
    refine: z.boolean().default(true),
    ramp: z
      .object({
        mode: z.enum(['open', 'closed']).default('open'),
        levels: z.array(z.number().positive()).optional(),
        start_rps: z.number().positive().optional(),
        factor: z.number().gt(1).optional(),
        max_rps: z.number().positive().optional(),
        step_s: z.number().positive().optional(),
      })
      .strict()
      .optional(),
    budget_s: z.number().positive().optional(),
  })
  .strict();

/**
 * A fault injected at a time of the measured run (seconds after the warm-up). kill_target: the
 * target cpdiag started is killed (SIGKILL to its process group) — behind a proxy the run goes
 * on, measuring what the proxy answers once its backend is gone; behind a balancer (target kind
 * balanced) the first process behind it is killed, and the balancer answers for it.
 */
const fault = z
  .object({
    at_s: z.number().nonnegative().max(3600).describe('seconds into the measured run'),
    kill_target: z.literal(true).describe('kill the target (a started one: bundled or command; behind a balancer, its first process)'),
  })
  .strict();

/** Gate section: metrics and the change each tolerates, and how many runs. */
const gate = z
  .object({
    runs: z.number().int().min(2).max(100).optional(),
    alpha: z.number().gt(0).lt(0.5).optional(),
    metrics: z.record(z.string()).optional(),
    /** Unmeasured runs per side before the measured ones (default 1). */
    warmup_runs: z.number().int().min(0).max(10).optional(),
    /** Run order: abba (default) or abab. */
    order: z.enum(['abba', 'abab']).optional(),
  })
  .strict();

export const scenarioSchema = z
  .object({
    name: z.string().regex(/^[a-z0-9][a-z0-9._-]*$/, 'lower-case letters, digits, . _ -').optional().describe('lower-case; names the report folder (default: the file name)'),
    description: z.string().optional().describe('what this scenario shows'),
    /** For fault scenarios: the cause id this scenario injects (ground truth). */
    injects: z.string().optional().describe('fault scenarios only: the cause id this scenario injects'),
    // Each kind's part is defined with the kind (src/target/kinds/), collected in target-kinds.ts.
    target: targetSpecSchema.default(DEFAULT_TARGET_SPEC).describe('the server under test: bundled (cpdiag serve), command (your server, {setting} placeholders) or attached (url + pid)'),
    settings: z.record(z.union([z.number(), z.string(), z.boolean()])).default({}).describe('CherryPy server.* settings by short name, e.g. thread_pool: 16'),
    load: load.default({}).describe('how the load is driven: closed (connections) or open (rate_rps) loop'),
    mix: z.array(requestSpec).min(1).default([{ method: 'GET', path: '/work?io_ms=20&cpu_ms=1', weight: 1 }]).describe('weighted request mix'),
    slow_clients: z.array(slowClient).optional().describe('slow uploaders, readers or idle connections beside the main load'),
    probes: z.object({ interval_ms: z.number().int().min(50).max(10000).default(250), stats: z.boolean().default(true) }).strict().default({}),
    slo: slo.optional().describe('service level objectives the run is judged against'),
    proxy: proxy.optional().describe('a real nginx or Apache in front of the target'),
    faults: z.array(fault).max(1).optional().describe('faults injected during the run: kill the target at at_s (behind a proxy, the run goes on)'),
    sweep: sweep.optional().describe('makes the scenario a sweep: the setting(s) to vary and the load ramp'),
    gate: gate.optional().describe('gate runs, budgets (metrics) and order'),
  })
  .strict();

export type Scenario = z.infer<typeof scenarioSchema>;
export type ScenarioInput = z.input<typeof scenarioSchema>;
