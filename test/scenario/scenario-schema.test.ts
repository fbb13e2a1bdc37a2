// The scenario JSON Schema: generated from the zod schema, shipped as scenarios/scenario.schema.json
// (never stale), referenced by every shipped scenario, and agreeing with cpdiag's own validation.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { Ajv } from 'ajv';
import { parse as parseYaml } from 'yaml';
import { renderScenarioJsonSchema, SCENARIO_SCHEMA_FILE } from '../../src/scenario/scenario-json-schema.js';
import { parseScenario } from '../../src/scenario/load-scenario.js';
import { runCli } from '../helpers/cli.js';

const DIRS = ['scenarios', 'scenarios/faults'];
const shipped = () => DIRS.flatMap((d) => readdirSync(d).filter((f) => f.endsWith('.yaml')).map((f) => join(d, f)));

function validator() {
  // Formats (uri) are not checked: cpdiag checks them itself; editors do what they can.
  const ajv = new Ajv({ allErrors: true, strict: true, allowUnionTypes: true, validateFormats: false });
  return ajv.compile(JSON.parse(readFileSync(SCENARIO_SCHEMA_FILE, 'utf8')));
}

test('the shipped schema file is exactly what `cpdiag schema` generates', async () => {
  assert.equal(readFileSync(SCENARIO_SCHEMA_FILE, 'utf8'), renderScenarioJsonSchema(), `regenerate it: node dist/cli/main.js schema > ${SCENARIO_SCHEMA_FILE}`);
  const r = await runCli(['schema']);
  assert.equal(r.code, 0, r.stderr);
  assert.equal(r.stdout, renderScenarioJsonSchema());
});

test('every shipped scenario names the schema on its first line, by a path that reaches it', () => {
  const files = shipped();
  assert.ok(files.length >= 20, `${files.length} scenarios`);
  for (const f of files) {
    const first = readFileSync(f, 'utf8').split('\n')[0];
    const m = /^# yaml-language-server: \$schema=(\S+)$/.exec(first);
    assert.ok(m, `${f}: first line is "${first}"`);
    assert.equal(resolve(dirname(f), m[1]), resolve(SCENARIO_SCHEMA_FILE), `${f}: ${m[1]}`);
  }
});

test('the schema accepts every shipped scenario and refuses what cpdiag refuses', () => {
  const validate = validator();
  for (const f of shipped()) {
    assert.ok(validate(parseYaml(readFileSync(f, 'utf8'))), `${f}: ${JSON.stringify(validate.errors)}`);
  }
  const bad: unknown[] = [
    { lod: { duration_s: 5 } },
    { load: { connections: 0 } },
    { load: { mode: 'sideways' } },
    { target: { kind: 'command' } },
    { mix: [] },
    { mix: [{ path: 'no-slash' }] },
    { settings: { thread_pool: [1] } },
    { settings: { thread_pool: 0 } },
    { name: 'Upper Case' },
  ];
  for (const doc of bad) {
    assert.equal(validate(doc), false, `schema refuses ${JSON.stringify(doc)}`);
    assert.throws(() => parseScenario(doc, 'x.yaml'), Error, `cpdiag refuses ${JSON.stringify(doc)}`);
  }
  const good = { name: 'ok', settings: { thread_pool: 4, 'server.socket_timeout': 3 }, load: { mode: 'open', rate_rps: 50 } };
  assert.ok(validate(good), JSON.stringify(validate.errors));
  assert.doesNotThrow(() => parseScenario(good, 'x.yaml'));
});
