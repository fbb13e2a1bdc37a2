// autocannon's request flags (-m, -H, -b, --body-file) on run, sweep, gate and baseline: what they
// say reaches the server, in the closed loop (autocannon) and the open loop (undici) alike.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runCli } from '../helpers/cli.js';
import type { RunRecord } from '../../src/run/run-record.js';

let dir: string;
before(() => {
  dir = mkdtempSync(join(tmpdir(), 'cpdiag-reqflags-'));
});
after(() => rmSync(dir, { recursive: true, force: true }));

const SHORT = ['-d', '1s', '--warmup', '0s', '--no-report', '--json'];

async function run(args: string[]): Promise<RunRecord> {
  const r = await runCli(['run', ...args, ...SHORT], {}, 60_000);
  assert.equal(r.code, 0, r.stderr);
  return JSON.parse(r.stdout) as RunRecord;
}

test('bundled server: -m POST -b reaches /upload (over the body limit: 413s), -H counts against the header limit', async () => {
  const small = await run(['--path', '/upload', '-m', 'POST', '-b', 'x'.repeat(50), '--max-request-body-size', '100', '-c', '2']);
  assert.deepEqual(small.load.mix, [{ method: 'POST', path: '/upload', weight: 1, body: 'x'.repeat(50) }]);
  assert.ok(small.summary!.requests > 10);
  assert.equal(small.summary!.errors.total, 0, JSON.stringify(small.summary!.errors));
  // The same body, 200 bytes: every request is refused by the server for its body.
  const big = await run(['--path', '/upload', '-m', 'POST', '-b', 'x'.repeat(200), '--max-request-body-size', '100', '-c', '2']);
  assert.ok((big.summary!.errors.by_kind.http_413 ?? 0) > 10, JSON.stringify(big.summary!.errors));
  // A 2 KiB header against a 1 KiB head limit, through the open loop this time.
  const header = await run(['--path', '/', '-H', `X-Padding: ${'p'.repeat(2048)}`, '--max-request-header-size', '1024', '-R', '40']);
  assert.equal(header.load.mix[0].headers?.['X-Padding']?.length, 2048);
  assert.ok((header.summary!.errors.by_kind.http_413 ?? 0) > 10, JSON.stringify(header.summary!.errors));
});

test('a server that answers 200 only to POST with the header and the body: no errors with the flags, errors without', async () => {
  const server = join(dir, 'strict-server.cjs');
  writeFileSync(server, `
    require('node:http').createServer((req, res) => {
      let body = '';
      req.on('data', (d) => (body += d));
      req.on('end', () => {
        const ok = req.method === 'POST' && req.headers['x-token'] === 'abc' && req.headers['content-type'] === 'text/plain' && body === 'hello';
        res.statusCode = req.url === '/' || ok ? 200 : 400;
        res.end(ok ? 'ok' : 'no');
      });
    }).listen(+process.argv[2], '127.0.0.1');
  `);
  const cmd = `${process.execPath} ${server} {port}`;
  const bodyFile = join(dir, 'body.txt');
  writeFileSync(bodyFile, 'hello');
  for (const load of [['-c', '2'], ['-R', '30']]) {
    const good = await run(['--cmd', cmd, '--path', '/check', '-m', 'post', '-H', 'X-Token: abc', '-H', 'Content-Type=text/plain', '--body-file', bodyFile, ...load]);
    assert.ok(good.summary!.requests > 5, load.join(' '));
    assert.equal(good.summary!.errors.total, 0, `${load.join(' ')}: ${JSON.stringify(good.summary!.errors)}`);
    const noHeader = await run(['--cmd', cmd, '--path', '/check', '-m', 'POST', '-H', 'Content-Type: text/plain', '-b', 'hello', ...load]);
    assert.equal(noHeader.summary!.errors.by_kind.http_400, noHeader.summary!.requests, 'the same request without X-Token is refused each time');
  }
});

test('flags that cannot apply are refused before anything starts', async () => {
  const mix = join(dir, 'two.yaml');
  writeFileSync(mix, 'mix:\n  - path: /a\n  - path: /b\n');
  for (const [args, message] of [
    [['run', mix, '-m', 'POST'], /describe one request, and the scenario's mix has 2/],
    [['run', '-H', 'no separator'], /expected 'Name: value'/],
    [['run', '-m', 'PO ST'], /expected an HTTP method/],
    [['run', '--body-file', join(dir, 'missing')], /--body-file .*missing: no such file/],
    [['run', '-b', 'x', '--body-file', mix], /use one/],
    [['run', '--stats-url', '/cpstats/data'], /--stats-url is for --cmd and --url targets/],
    [['run', '--cmd', 'x {port}', '--stats-url', 'http://10.0.0.1/stats'], /loopback/],
  ] as [string[], RegExp][]) {
    const r = await runCli([...args, '--no-report'], {}, 20_000);
    assert.equal(r.code, 2, `${args.join(' ')}: ${r.stderr}`);
    assert.match(r.stderr, message, args.join(' '));
  }
});
