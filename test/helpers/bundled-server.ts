// Tests start the reference server through the same spawner the rest of cpdiag uses.
export { spawnBundledServer, type BundledServer, type SpawnBundledOptions } from '../../src/server/spawn-bundled.js';
