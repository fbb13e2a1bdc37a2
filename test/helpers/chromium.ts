// Headless Chromium for the HTML report tests: loads a page from a file, lets its scripts run and
// reads back what the page recorded about itself (html-page.ts): the charts it asked for, the
// canvases with ink on them, the live chart.js instances, and any script error.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export const CHROMIUM = '/usr/bin/chromium';

/** Why the Chromium tests skip, or false when they can run. */
export const NO_CHROMIUM: string | false = existsSync(CHROMIUM) ? false : `${CHROMIUM} is not installed (.ci/run installs it)`;

const FLAGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'];

export interface PageCheck {
  /** What #cpdiag-errors holds: '' when no script failed. */
  errors: string;
  /** The page's self-report from <body>; null when the page script never finished. */
  total: number | null;
  drawn: number | null;
  instances: number | null;
  /** Canvas ids marked data-drawn="no". */
  blank: string[];
  /** What the `probe` expression returned (JSON round trip), undefined without one. */
  probe: unknown;
  dom: string;
}

function attr(dom: string, name: string): number | null {
  const m = new RegExp(`<body[^>]*\\s${name}="(\\d+)"`).exec(dom);
  return m ? Number(m[1]) : null;
}

function unescapeAttr(s: string): string {
  return s.replace(/&quot;/g, '"').replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&#39;/g, "'").replace(/&amp;/g, '&');
}

/**
 * Loads `html` in headless Chromium and reads the page's check back. `probe`, a JavaScript
 * expression evaluated after the page's own scripts, lets a test read what only the live page
 * knows (a chart's ticks, its legend); its value comes back as `probe`.
 */
export function checkHtmlInChromium(html: string, probe?: string): PageCheck {
  const dir = mkdtempSync(join(tmpdir(), 'cpdiag-html-'));
  try {
    const file = join(dir, 'report.html');
    const probeScript = `<script>try { document.body.setAttribute('data-probe', JSON.stringify((function () { return ${probe}; })())); } catch (e) { document.body.setAttribute('data-probe', JSON.stringify({ probe_error: String(e) })); }</script>`;
    const end = html.lastIndexOf('</body>');
    const probed = probe === undefined || end < 0 ? html : html.slice(0, end) + probeScript + html.slice(end);
    writeFileSync(file, probed);
    const result = spawnSync(CHROMIUM, [...FLAGS, `--user-data-dir=${join(dir, 'profile')}`, '--dump-dom', `file://${file}`], { encoding: 'utf8', timeout: 90_000 });
    if (result.status !== 0) throw new Error(`chromium exited ${result.status}: ${(result.stderr ?? '').slice(-500)}`);
    const dom = result.stdout;
    const errors = /<pre id="cpdiag-errors"[^>]*>([^<]*)<\/pre>/.exec(dom)?.[1] ?? 'the error box is missing from the DOM';
    const blank = [...dom.matchAll(/<canvas id="([^"]+)"[^>]*data-drawn="no"/g)].map((m) => m[1]);
    const probeText = /<body[^>]*\sdata-probe="([^"]*)"/.exec(dom)?.[1];
    return {
      errors, total: attr(dom, 'data-charts-total'), drawn: attr(dom, 'data-charts-drawn'), instances: attr(dom, 'data-chart-instances'), blank,
      probe: probeText === undefined ? undefined : JSON.parse(unescapeAttr(probeText)), dom,
    };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** Fails unless the page ran without a script error and drew exactly `expected` charts, each with ink and a chart.js instance. */
export function assertEveryChartDrew(check: PageCheck, expected: number, what: string): void {
  if (check.errors !== '') throw new Error(`${what}: script errors: ${check.errors}`);
  if (check.total === null) throw new Error(`${what}: the page script never finished (no data-charts-total on <body>)`);
  if (check.total !== expected) throw new Error(`${what}: ${check.total} charts made, expected ${expected}`);
  if (check.drawn !== check.total) throw new Error(`${what}: ${check.drawn} of ${check.total} charts have ink; blank: ${check.blank.join(', ')}`);
  if (check.instances !== check.total) throw new Error(`${what}: ${check.instances} chart.js instances for ${check.total} charts`);
}
