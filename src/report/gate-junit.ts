// The gate as JUnit XML: one test case per budget, so CI test views list each metric. A
// regression is a <failure>; inconclusive is <skipped> (neither passed nor failed) unless the gate
// was asked to fail on it, then it is a <failure> too. A crashed B target gets its own case.
import type { GateDocument, MetricResult } from '../gate/gate-document.js';
import { EXIT } from '../exit-codes.js';
import { fmtChange, formatMedian, formatRunValues, fmtP } from './gate-format.js';

/** Escapes text for XML attributes and content; drops characters XML 1.0 cannot carry. */
export function escapeXml(text: string): string {
  return text
    // eslint-disable-next-line no-control-regex
    .replace(/[\u0000-\u0008\u000B\u000C\u000E-\u001F\uFFFE\uFFFF]/g, '')
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    .replace(/'/g, '&apos;');
}

function caseBody(r: MetricResult, failInconclusive: boolean): { xml: string; failed: boolean; skipped: boolean } {
  const detail = `A ${formatMedian(r, 'a')}, B ${formatMedian(r, 'b')}, change ${fmtChange(r)}, p ${fmtP(r.p_value)}, budget ${r.spec}`;
  const out = `<system-out>${escapeXml(`${r.reason}\nA runs: ${formatRunValues(r, 'a')}\nB runs: ${formatRunValues(r, 'b')}`)}</system-out>`;
  if (r.verdict === 'regression') {
    return { xml: `<failure message="${escapeXml(r.reason)}" type="regression">${escapeXml(detail)}</failure>${out}`, failed: true, skipped: false };
  }
  if (r.verdict === 'inconclusive') {
    if (failInconclusive) return { xml: `<failure message="${escapeXml(r.reason)}" type="inconclusive">${escapeXml(detail)}</failure>${out}`, failed: true, skipped: false };
    return { xml: `<skipped message="${escapeXml(r.reason)}"/>${out}`, failed: false, skipped: true };
  }
  return { xml: out, failed: false, skipped: false };
}

export function renderGateJunit(doc: GateDocument): string {
  const failInconclusive = doc.outcome === 'inconclusive' && doc.exit_code === EXIT.INCONCLUSIVE;
  const suite = `cpdiag gate ${doc.scenario}`;
  const cases: string[] = [];
  let failures = 0;
  let skipped = 0;
  const perCase = doc.metrics.length ? doc.duration_s / doc.metrics.length : 0;
  for (const r of doc.metrics) {
    const body = caseBody(r, failInconclusive);
    if (body.failed) failures++;
    if (body.skipped) skipped++;
    cases.push(`    <testcase classname="${escapeXml(suite)}" name="${escapeXml(r.label)}" time="${perCase.toFixed(3)}">${body.xml}</testcase>`);
  }
  const died = doc.runs.filter((s) => s.side === 'B' && s.target_died).length;
  if (died > 0) {
    failures++;
    cases.push(`    <testcase classname="${escapeXml(suite)}" name="target stays up" time="0"><failure message="${escapeXml(`B's target exited in ${died} run(s)`)}" type="crash"/></testcase>`);
  }
  if (!doc.complete) {
    cases.push(`    <testcase classname="${escapeXml(suite)}" name="gate completed" time="0"><error message="${escapeXml(doc.summary)}" type="interrupted"/></testcase>`);
  }
  const errors = doc.complete ? 0 : 1;
  const props = [
    ['outcome', doc.outcome],
    ['mode', doc.mode],
    ['runs_per_side', String(doc.runs_per_side)],
    ['order', doc.order],
    ['alpha', String(doc.alpha)],
    ['a', doc.a.description],
    ['b', doc.b.description],
    ['cpdiag_version', doc.cpdiag_version],
  ].map(([k, v]) => `      <property name="${escapeXml(k)}" value="${escapeXml(v)}"/>`);
  return [
    '<?xml version="1.0" encoding="UTF-8"?>',
    `<testsuites name="cpdiag gate" tests="${cases.length}" failures="${failures}" errors="${errors}" skipped="${skipped}" time="${doc.duration_s.toFixed(3)}">`,
    `  <testsuite name="${escapeXml(suite)}" tests="${cases.length}" failures="${failures}" errors="${errors}" skipped="${skipped}" time="${doc.duration_s.toFixed(3)}" timestamp="${escapeXml(doc.started_at.replace(/\.\d+Z$/, ''))}" hostname="${escapeXml(doc.environment.hostname)}">`,
    '    <properties>',
    ...props,
    '    </properties>',
    ...cases,
    // Warnings (e.g. a baseline from another machine) travel with the report, not just the log.
    ...(doc.warnings.length ? [`    <system-err>${escapeXml(doc.warnings.map((w) => `warning: ${w}`).join('\n'))}</system-err>`] : []),
    '  </testsuite>',
    '</testsuites>',
    '',
  ].join('\n');
}
