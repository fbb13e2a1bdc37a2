import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Chalk } from 'chalk';
import { diagnose } from '../../src/diagnose/diagnose.js';
import { CAUSES } from '../../src/diagnose/causes.js';
import { renderDiagnosisText } from '../../src/report/diagnosis-text.js';
import { renderDiagnosisMarkdown } from '../../src/report/diagnosis-markdown.js';
import { healthyFindings, proxyReadTimeoutFindings } from './fixtures.js';

const plain = new Chalk({ level: 0 });

test('text: rank, title, confidence, evidence lines, fix with its snippet', () => {
  // Wide enough that no line wraps (wrapping is tested in test/report/text-layout.test.ts).
  const text = renderDiagnosisText(diagnose(proxyReadTimeoutFindings()), plain, { width: 300 });
  assert.match(text, /^ {2}1\. proxy_read_timeout is shorter than the handler time {2}high 1\.00 {2}\[proxy-read-timeout-shorter-than-handler\]/m);
  assert.match(text, /\+ nginx error log: 12 "upstream timed out"/);
  assert.match(text, /fix: Raise proxy_read_timeout/);
  // Filled from the findings (issue 11): server.socket_timeout 10 s measured, the proxy 5 s above it (was a literal 35s).
  assert.match(text, /proxy_read_timeout 15s;/);
});

test('text: a healthy service says so, and the undecided causes are listed as lacking data', () => {
  const f = healthyFindings();
  delete f.logging;
  const text = renderDiagnosisText(diagnose(f), plain);
  assert.match(text, /No probable cause found/);
  assert.match(text, /Insufficient data to judge 1 other cause:\n\s+\? synchronous-logging: missing logging/);
});

test('markdown: a table of causes, evidence, fenced snippets by language, the source', () => {
  const md = renderDiagnosisMarkdown(diagnose(proxyReadTimeoutFindings()));
  assert.match(md, /^\| 1 \| proxy_read_timeout is shorter than the handler time \(`proxy-read-timeout-shorter-than-handler`\) \| high \(1\.00\) \|/m);
  assert.match(md, /```nginx\nproxy_connect_timeout 3s;/);
  assert.match(md, /```python\ncherrypy\.config\.update/);
  assert.match(md, /_Source: Troubleshooting CherryPy in production: common pitfalls 2 \(proxy timeout mismatch\)/);
  assert.equal((md.match(/```/g) ?? []).length % 2, 0, 'fences balanced');
  assert.match(renderDiagnosisMarkdown(diagnose({ source: 'run' })), new RegExp(`Nothing to judge[\\s\\S]*<details><summary>Insufficient data to judge ${CAUSES.length} causes`));
  assert.match(renderDiagnosisText(diagnose({ source: 'run' }), plain), /Nothing to judge: every detector lacked data/);
});
