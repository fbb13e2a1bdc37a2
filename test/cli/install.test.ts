// "Install in your application's repository" as the README says it: `npm pack` this checkout, then
// in a fresh project `npm install --save-dev` the tarball and run cpdiag through npx, the way an
// application's CI runs it. Uses the local npm cache (--prefer-offline) so that it stays fast.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = fileURLToPath(new URL('../../../', import.meta.url));
const VERSION = (JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { version: string }).version;

function sh(cmd: string, args: string[], cwd: string, timeoutMs = 120_000) {
  const r = spawnSync(cmd, args, { cwd, encoding: 'utf8', timeout: timeoutMs, env: { ...process.env, NO_COLOR: '1', npm_config_audit: 'false', npm_config_fund: 'false', npm_config_update_notifier: 'false' } });
  return { code: r.status, stdout: r.stdout ?? '', stderr: r.stderr ?? '' };
}

test('npm pack → npm install in a fresh application project → npx cpdiag works', { timeout: 240_000 }, () => {
  const dir = mkdtempSync(join(tmpdir(), 'cpdiag-install-'));
  try {
    // The tests run from dist/, which is built: pack it as it is (prepare would rebuild it).
    const pack = sh('npm', ['pack', '--ignore-scripts', '--pack-destination', dir, '--json'], ROOT);
    assert.equal(pack.code, 0, pack.stderr);
    const [{ filename, files }] = JSON.parse(pack.stdout) as { filename: string; files: { path: string }[] }[];
    const paths = files.map((f) => f.path);
    // binding.gyp and the addon's C sources: the install builds the per-request models' addon.
    for (const need of ['dist/cli/main.js', 'dist/src/server/run-serve.js', 'scenarios/gate-default.yaml', 'examples/cherrypy/app.py', 'examples/gate-two-refs.sh', 'binding.gyp', 'src/server/native/addon.c']) {
      assert.ok(paths.includes(need), `the tarball has ${need}`);
    }
    assert.ok(!paths.some((p) => p.startsWith('dist/test/') || (p.startsWith('src/') && !p.startsWith('src/server/native/'))), 'no tests or TypeScript sources in the tarball');
    assert.ok(!paths.some((p) => p.startsWith('build/')), 'no prebuilt addon: the install builds it for its machine');

    const app = join(dir, 'my-app');
    mkdirSync(app);
    writeFileSync(join(app, 'package.json'), JSON.stringify({ name: 'my-app', version: '1.0.0', private: true }));
    const install = sh('npm', ['install', '--save-dev', '--no-audit', '--no-fund', '--prefer-offline', join(dir, filename)], app, 180_000);
    assert.equal(install.code, 0, install.stderr);
    const manifest = JSON.parse(readFileSync(join(app, 'package.json'), 'utf8')) as { devDependencies?: Record<string, string> };
    assert.match(manifest.devDependencies?.cpdiag ?? '', /^file:.*cpdiag-.*\.tgz$/);

    const version = sh('npx', ['--no-install', 'cpdiag', '--version'], app);
    assert.equal(version.code, 0, version.stderr);
    assert.equal(version.stdout.trim(), VERSION);
    // A real run from the installed package: it spawns the bundled server from node_modules.
    const run = sh('npx', ['--no-install', 'cpdiag', 'run', '-d', '1s', '--warmup', '0s', '-c', '2', '--no-report', '-q'], app, 60_000);
    assert.equal(run.code, 0, run.stderr);
    assert.match(run.stdout, /^cpdiag run: default\n {2}[\d,.]+ req\/s, p99 /);
    assert.ok(existsSync(join(app, 'node_modules', 'cpdiag', 'scenarios', 'gate-default.yaml')));
    assert.ok(existsSync(join(app, 'node_modules', 'cpdiag', 'build', 'Release', 'cpdiag_native.node')), 'the install built the native addon');
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
