import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { once } from 'node:events';
import { CPDIAG, delay } from './targets.js';

function cpdiag(args: string[], timeoutMs = 20000) {
  const r = spawnSync(process.execPath, [CPDIAG, ...args], { encoding: 'utf8', timeout: timeoutMs, env: { ...process.env, NO_COLOR: '1' } });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

async function cpdiagAsync(args: string[]) {
  const child = spawn(process.execPath, [CPDIAG, ...args], { env: { ...process.env, NO_COLOR: '1' } });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (d) => { stdout += String(d); });
  child.stderr.on('data', (d) => { stderr += String(d); });
  const timer = setTimeout(() => child.kill('SIGKILL'), 20000);
  const [code] = await once(child, 'exit');
  clearTimeout(timer);
  return { code: code as number | null, stdout, stderr };
}

function unusedPid(): number {
  const max = Number(readFileSync('/proc/sys/kernel/pid_max', 'utf8'));
  for (let pid = max - 1; pid > 1; pid--) {
    try {
      readFileSync(`/proc/${pid}/stat`);
    } catch {
      return pid;
    }
  }
  throw new Error('no free pid');
}

test('no such pid: exit 5, one line, no stack', () => {
  const r = cpdiag(['inspect', String(unusedPid()), '--duration', '0.2s']);
  assert.equal(r.code, 5);
  assert.match(r.stderr, /no process with pid/);
  assert.doesNotMatch(r.stderr, /at .*\.js/);
});

test('bad pid and bad flags: exit 2', () => {
  assert.equal(cpdiag(['inspect', 'abc']).code, 2);
  assert.equal(cpdiag(['inspect', '1', '--interval', 'fast']).code, 2);
  const r = cpdiag(['inspect', String(process.pid), '--stats', 'http://example.com/stats', '--duration', '0.1s']);
  assert.equal(r.code, 2);
  assert.match(r.stderr, /loopback/);
});

test('kernel thread (kthreadd, pid 2): exit 5 and says so', (t) => {
  let comm = '';
  try {
    comm = readFileSync('/proc/2/comm', 'utf8').trim();
  } catch {
    t.skip('pid 2 not visible in this pid namespace');
    return;
  }
  if (comm !== 'kthreadd') {
    t.skip(`pid 2 is ${comm}, not kthreadd`);
    return;
  }
  const r = cpdiag(['inspect', '2', '--duration', '0.1s']);
  assert.equal(r.code, 5);
  assert.match(r.stderr, /kernel thread/);
});

test('zombie: exit 5 and says zombie', async () => {
  // `sleep 0` exits at once; its parent execs `sleep 5`, which never waits for it.
  const parent = spawn('sh', ['-c', 'sleep 0 & exec sleep 5'], { stdio: 'ignore' });
  try {
    let zombie = 0;
    for (let i = 0; i < 50 && !zombie; i++) {
      await delay(40);
      const kids = readFileSync(`/proc/${parent.pid}/task/${parent.pid}/children`, 'utf8').trim().split(/\s+/).filter(Boolean).map(Number);
      for (const k of kids) {
        try {
          if (readFileSync(`/proc/${k}/stat`, 'utf8').replace(/^.*\) /, '').startsWith('Z')) zombie = k;
        } catch { /* gone */ }
      }
    }
    assert.ok(zombie > 0, 'made a zombie');
    const r = cpdiag(['inspect', String(zombie), '--duration', '0.1s']);
    assert.equal(r.code, 5);
    assert.match(r.stderr, /zombie/);
  } finally {
    parent.kill('SIGKILL');
  }
});

test('a process that exits during the window: report what was collected, exit 0 with a note; --json fields', async () => {
  // Async spawn, so that this process reaps the victim when it exits (spawnSync would leave a zombie).
  // The victim outlives the CLI's start even on a loaded machine (node takes seconds to load there),
  // and exits well inside the window.
  const victim = spawn('sleep', ['6'], { stdio: 'ignore' });
  try {
    const r = await cpdiagAsync(['inspect', String(victim.pid), '--duration', '15s', '--interval', '100ms', '--json']);
    assert.equal(r.code, 0, r.stderr);
    const doc = JSON.parse(r.stdout);
    assert.equal(doc.schema, 'cpdiag.inspect/1');
    assert.equal(doc.window.exited, true);
    assert.ok(doc.window.samples >= 2);
    assert.ok(doc.notes.some((n: string) => /exited/.test(n)));
    for (const k of ['cpdiag_version', 'started_at', 'environment', 'process', 'threads', 'fds', 'sockets', 'listen', 'memory', 'drift', 'diagnosis']) {
      assert.ok(k in doc, `missing ${k}`);
    }
    assert.equal(typeof doc.threads.total, 'number');
    assert.ok(Array.isArray(doc.threads.by_activity));
    assert.equal(typeof doc.fds.count, 'number');
    assert.ok('limit' in doc.fds && 'by_type' in doc.fds);
    assert.equal(typeof doc.sockets.by_state, 'object');
    assert.equal(doc.process.pid, victim.pid);
    assert.deepEqual(doc.process.cmdline, ['sleep', '6']);
  } finally {
    victim.kill('SIGKILL');
  }
});

test('text summary, and --watch ends on SIGINT with exit 130 and a final summary', async () => {
  const text = cpdiag(['inspect', String(process.pid), '--duration', '0.3s', '--interval', '100ms']);
  assert.equal(text.code, 0, text.stderr);
  for (const head of ['threads', 'fds', 'sockets', 'listen', 'memory', 'drift', 'Threads by activity']) assert.match(text.stdout, new RegExp(head));

  const watch = spawn(process.execPath, [CPDIAG, 'inspect', String(process.pid), '--watch', '--interval', '100ms'], { env: { ...process.env, NO_COLOR: '1' } });
  let out = '';
  let errText = '';
  watch.stdout.on('data', (d) => { out += String(d); });
  watch.stderr.on('data', (d) => { errText += String(d); });
  try {
    // Generous: node's start-up alone takes over a second when the machine is loaded.
    const deadline = Date.now() + 15000;
    while ((out.match(/^t=/gm)?.length ?? 0) < 3 && Date.now() < deadline) await delay(50);
    assert.ok((out.match(/^t=/gm)?.length ?? 0) >= 3, `watch lines: ${out} ${errText}`);
    const exited = once(watch, 'exit');
    watch.kill('SIGINT');
    const [code] = await exited;
    assert.equal(code, 130, errText);
    assert.match(out, /Threads by activity/);
  } finally {
    watch.kill('SIGKILL');
  }
});

test('--help shows examples', () => {
  const r = cpdiag(['inspect', '--help']);
  assert.equal(r.code, 0);
  assert.match(r.stdout, /Examples:/);
  assert.match(r.stdout, /--watch/);
});

test('an inspect --json document can be diagnosed again with cpdiag diagnose', async () => {
  const { mkdtempSync, writeFileSync } = await import('node:fs');
  const { join } = await import('node:path');
  const { tmpdir } = await import('node:os');
  // Inspect this test process itself: any live process will do.
  const r = await cpdiagAsync(['inspect', String(process.pid), '--duration', '0.5s', '--interval', '100ms', '--json']);
  assert.equal(r.code, 0, r.stderr);
  const doc = JSON.parse(r.stdout) as { schema: string; findings?: { source: string } };
  assert.equal(doc.findings?.source, 'inspect');
  const file = join(mkdtempSync(join(tmpdir(), 'cpdiag-insp-')), 'inspect.json');
  writeFileSync(file, r.stdout);
  const d = cpdiag(['diagnose', file]);
  assert.equal(d.code, 0, d.stderr);
  assert.match(d.stdout, /Diagnosis/);
});
