// examples/gate-two-refs.sh as docs/gate.md runs it: two git refs of a CherryPy app, each in a
// worktree of its own, gated against each other; the worktrees are gone afterwards.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { CLI } from '../helpers/cli.js';

const SCRIPT = fileURLToPath(new URL('../../../examples/gate-two-refs.sh', import.meta.url));
const APP = fileURLToPath(new URL('../../../examples/cherrypy/app.py', import.meta.url));
const hasCherryPy = existsSync('/usr/bin/python3') && spawnSync('/usr/bin/python3', ['-c', 'import cherrypy'], { stdio: 'ignore' }).status === 0;
const hasGit = spawnSync('git', ['--version'], { stdio: 'ignore' }).status === 0;
const skip = (!hasCherryPy && 'no /usr/bin/python3 with CherryPy: the app cannot run') || (!hasGit && 'no git');

function git(repo: string, ...args: string[]): string {
  const r = spawnSync('git', ['-c', 'user.name=cpdiag test', '-c', 'user.email=test@example.invalid', '-C', repo, ...args], { encoding: 'utf8' });
  assert.equal(r.status, 0, r.stderr);
  return r.stdout;
}

function runScript(cwd: string, args: string[]): Promise<{ code: number | null; stdout: string; stderr: string }> {
  // cpdiag from this checkout rather than npx (what the script runs by default in an app's repository).
  const child = spawn('bash', [SCRIPT, ...args], { cwd, env: { ...process.env, NO_COLOR: '1', CPDIAG: `${process.execPath} ${CLI}` }, stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (d) => (stdout += d));
  child.stderr.on('data', (d) => (stderr += d));
  const timer = setTimeout(() => child.kill('SIGKILL'), 180_000);
  return new Promise((resolve) => child.on('close', (code) => {
    clearTimeout(timer);
    resolve({ code, stdout, stderr });
  }));
}

test('gate-two-refs.sh: a 3× slower /work in the new ref is a regression (exit 1); worktrees removed', { skip }, async () => {
  const repo = mkdtempSync(join(tmpdir(), 'cpdiag-two-refs-'));
  const before = new Set(readdirSync(tmpdir()).filter((n) => n.startsWith('cpdiag-gate-refs.')));
  try {
    mkdirSync(join(repo, 'examples', 'cherrypy'), { recursive: true });
    const app = readFileSync(APP, 'utf8');
    git(repo, 'init', '--quiet');
    writeFileSync(join(repo, 'examples', 'cherrypy', 'app.py'), app);
    git(repo, 'add', '.');
    git(repo, 'commit', '--quiet', '-m', 'old');
    const slower = app.replace('time.sleep(io_s)', 'time.sleep(io_s * 3)');
    assert.notEqual(slower, app, 'the example app still sleeps io_s in /work');
    writeFileSync(join(repo, 'examples', 'cherrypy', 'app.py'), slower);
    git(repo, 'commit', '--quiet', '-am', 'new: slower');

    const flags = ['--runs', '4', '--alpha', '0.05', '--metric', 'p50 +10%', '--warmup-runs', '0', '-d', '0.5s', '--warmup', '0.2s', '--path', '/work?io_ms=30', '-c', '4', '--no-report', '--json'];
    const r = await runScript(join(repo, 'examples'), ['HEAD~1', 'HEAD', ...flags]);
    assert.equal(r.code, 1, r.stderr);
    const doc = JSON.parse(r.stdout);
    assert.equal(doc.outcome, 'regression');
    assert.ok(doc.metrics[0].ratio > 2, `p50 ratio ${doc.metrics[0].ratio}`);
    assert.match(doc.a.description, /cpdiag-gate-refs\.[^/]+\/old\/examples\/cherrypy\/app\.py --port \{port\}/);
    assert.match(r.stderr, /gate: A = HEAD~1 \([0-9a-f]{12}\), B = HEAD/);
    // The worktrees and their folder are gone; the repository is as it was.
    assert.equal(git(repo, 'worktree', 'list').trim().split('\n').length, 1);
    assert.deepEqual(readdirSync(tmpdir()).filter((n) => n.startsWith('cpdiag-gate-refs.') && !before.has(n)), []);
    assert.equal(git(repo, 'status', '--porcelain'), '');

    const bad = await runScript(repo, ['no-such-ref', 'HEAD']);
    assert.equal(bad.code, 2);
    assert.match(bad.stderr, /error: not a commit: no-such-ref/);
    const usage = await runScript(repo, ['HEAD']);
    assert.equal(usage.code, 2);
    assert.match(usage.stderr, /gate-two-refs\.sh OLD_REF NEW_REF/);
  } finally {
    rmSync(repo, { recursive: true, force: true });
  }
});
