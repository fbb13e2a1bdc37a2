// Issue 12: "where the pid has a proxy on the machine (nginx, Apache) whose error log is readable,
// say what it shows". nginx's is read from its configuration (inspect-causes.test.ts); Apache's from
// its ErrorLog, resolved as Apache resolves it (ServerRoot, the master's -f/-d, ${VARS} from its
// environment). Pure parts first; then a real Apache in front of the bundled server, timing out
// on a slow handler, inspected from the server's pid.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { Chalk } from 'chalk';
import { apacheLogTimeMs, parseApacheConfFacts } from '../../src/proxy/apache-conf-facts.js';
import { recentLogText } from '../../src/inspect/proxy-in-front.js';
import { inspectProcess } from '../../src/inspect/run-inspect.js';
import { renderInspect } from '../../src/report/inspect-text.js';
import { startApacheProxy } from '../../src/proxy/apache.js';
import { delay, startBundledServer, startLoad } from './targets.js';

test('Apache config: the server-wide ErrorLog, relative to ServerRoot, ${VARS} from the environment; piped logs have no file', () => {
  const debian = 'ServerRoot "/etc/apache2"\nErrorLog ${APACHE_LOG_DIR}/error.log\n<VirtualHost *:80>\n  ErrorLog /var/log/vhost.log\n</VirtualHost>\n';
  assert.deepEqual(parseApacheConfFacts(debian, { APACHE_LOG_DIR: '/var/log/apache2' }), { server_root: '/etc/apache2', error_log: '/var/log/apache2/error.log' });
  assert.equal(parseApacheConfFacts('ErrorLog logs/error_log\n', {}, '/srv/httpd').error_log, '/srv/httpd/logs/error_log');
  assert.equal(parseApacheConfFacts('# ErrorLog /nope\nErrorLog "|/usr/bin/rotatelogs /x 86400"\n').error_log, undefined);
  assert.equal(parseApacheConfFacts('ErrorLog syslog:local1\n').error_log, undefined);
});

test('Apache error-log time stamps: only the recent lines count', () => {
  const now = new Date(2026, 11, 2, 10, 41, 29).getTime();
  assert.equal(apacheLogTimeMs('[Wed Dec 02 10:41:29.123456 2026] [proxy_http:error] [pid 7] (70007)The timeout specified has expired'), now);
  const text = ['[Wed Dec 02 09:00:00.000001 2026] [proxy_http:error] old (70007)', '[Wed Dec 02 10:40:00.000001 2026] [proxy_http:error] new (70007)'].join('\n');
  assert.deepEqual(recentLogText(text, now, apacheLogTimeMs).split('\n'), ['[Wed Dec 02 10:40:00.000001 2026] [proxy_http:error] new (70007)']);
});

const APACHE = '/usr/sbin/apache2';

test('a real Apache in front timing out on a 1.5 s handler: inspect of the server names Apache and says what its error log shows', { skip: !existsSync(APACHE) && 'apache2 not installed' }, async () => {
  const app = await startBundledServer(4);
  const apache = await startApacheProxy({ upstreamUrl: app.url, timeoutS: 1 });
  // Slow requests time out (the error log's lines); a paced quick one keeps a pooled keep-alive
  // connection from Apache to the server open, by which the inspection tells Apache is in front.
  const slow = startLoad(apache.url, '/work?io_ms=1500', { concurrency: 2, maxMs: 10_000 });
  const quick = startLoad(apache.url, '/work?io_ms=1', { concurrency: 1, maxMs: 10_000, paceMs: 50 });
  try {
    await delay(1300);
    const r = await inspectProcess({ pid: app.pid, durationS: 0.3, intervalMs: 100 });
    const p = r.report.proxy;
    assert.ok(p && /apache2|httpd/.test(p.name), JSON.stringify(p));
    assert.ok(p.error_log_path?.endsWith('error.log'), JSON.stringify(p));
    assert.ok(p.error_log && p.error_log.upstream_timeouts >= 1, JSON.stringify(p));
    assert.equal(r.findings.proxy?.kind, 'apache');
    assert.match(r.report.notes.join('\n'), /apache2 \(pid \d+\) is in front of this server .*; its error log \S+ shows, over the last 5 minutes, [1-9]\d* upstream timeouts/);
    assert.match(renderInspect(r.report, new Chalk({ level: 0 })), /apache2 \(pid \d+\) is in front of this server/);
  } finally {
    await Promise.all([slow.stop(), quick.stop()]);
    await apache.stop();
    await app.stop();
  }
});
