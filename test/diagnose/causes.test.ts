// The table's integrity: it is data that other code trusts, so broken references must fail here.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { CAUSES, SYMPTOMS } from '../../src/diagnose/causes.js';
import { DETECTORS } from '../../src/diagnose/detector-registry.js';

const detectorIds = new Set(DETECTORS.map((d) => d.id));

test('cause ids are unique and kebab-case', () => {
  const ids = CAUSES.map((c) => c.id);
  assert.equal(new Set(ids).size, ids.length);
  for (const id of ids) assert.match(id, /^[a-z0-9]+(-[a-z0-9]+)*$/);
});

test('every detector a cause refers to exists', () => {
  for (const c of CAUSES) {
    for (const s of [...c.supports, ...c.rules_out]) assert.ok(detectorIds.has(s.detector), `${c.id} refers to unknown detector ${s.detector}`);
  }
});

test('every cause has a symptom, a title, a cause text, a fix and a source', () => {
  for (const c of CAUSES) {
    assert.ok(c.symptoms.length > 0 && c.symptoms.every((s) => s in SYMPTOMS), c.id);
    assert.ok(c.title.length > 5, c.id);
    assert.ok(c.cause.length > 40, c.id);
    assert.ok(c.fix.summary.length > 20, c.id);
    assert.ok(c.fix.cherrypy || c.fix.nginx, `${c.id} fix has a config snippet`);
    assert.ok(c.source.length > 5, c.id);
    assert.ok(c.would_show.length > 10, c.id);
  }
});

// Users read `source` in `cpdiag causes ID` and every summary.md: it must name what a person can
// find (a title and a section), never a file outside the product.
const SOURCE_TITLES = [
  'Troubleshooting CherryPy in production',
  'Deploying CherryPy: deployment models',
  'Load balancing CherryPy',
  'CherryPy behind Apache with mod_rewrite',
  'nginx and flup FastCGI: multiplexing leaks threads',
  'cheroot.server / cheroot.workers.threadpool',
];

test('every source is cited by title and section, never by a file path', () => {
  for (const c of CAUSES) {
    assert.ok(SOURCE_TITLES.some((t) => c.source.startsWith(t)), `${c.id}: source starts with a known title: ${c.source}`);
    // A path: a name of 2+ characters with a letter or dot before a slash (notes/001_x.txt,
    // ../shared; not "502/504" nor "I/O"), an absolute path (/work/shared), or a file extension.
    assert.doesNotMatch(c.source, /(?=[\w.~-]{2})[\w.~-]*[A-Za-z_.~][\w.~-]*\/[\w.~-]|(^|\s)\/\w|\.(txt|md|html?|pdf|ts|js|py)\b/, `${c.id}: source names a file: ${c.source}`);
    assert.doesNotMatch(c.source, /seeds|shared/, `${c.id}: ${c.source}`);
  }
});

test('every cause needs at least one "issue" to be reported, and weights are sane', () => {
  for (const c of CAUSES) {
    const required = c.supports.filter((s) => s.required);
    assert.ok(required.length > 0, `${c.id} has a required support`);
    assert.ok(required.some((s) => s.status === 'issue'), `${c.id}: a required support is an issue (else a healthy service could yield it)`);
    for (const s of c.supports) assert.ok(s.weight > 0, `${c.id}/${s.detector}`);
    for (const r of c.rules_out) assert.ok(r.weight > 0 && r.weight <= 1, `${c.id} rules_out ${r.detector} weight is a share`);
  }
});

test('every symptom of the table has at least one cause; the brief\'s causes are all there', () => {
  for (const s of Object.keys(SYMPTOMS)) assert.ok(CAUSES.some((c) => c.symptoms.includes(s as never)), s);
  const ids = new Set(CAUSES.map((c) => c.id));
  for (const id of [
    'pool-exhausted', 'slow-upstream-responses', 'socket-timeout-too-low', 'proxy-read-timeout-shorter-than-handler', 'keepalive-mismatch',
    'streamed-responses-not-closed', 'large-bodies-buffered', 'per-request-cache', 'log-buffers-accumulating',
    'proxy-timeout-shorter-than-server', 'body-too-large', 'pool-too-small', 'pool-too-large', 'blocking-io-in-handlers',
    'downstream-pool-starvation', 'cpu-bound-under-gil', 'thread-leak', 'fd-leak', 'raw-space-request-line',
    'synchronous-logging', 'gzip-incompressible',
  ]) assert.ok(ids.has(id), id);
});

test('every detector is used by some cause', () => {
  const used = new Set(CAUSES.flatMap((c) => [...c.supports, ...c.rules_out].map((s) => s.detector)));
  for (const id of detectorIds) assert.ok(used.has(id), `${id} is not referenced by any cause`);
});
