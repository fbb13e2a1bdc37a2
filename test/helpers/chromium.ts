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
  dom: string;
}

function attr(dom: string, name: string): number | null {
  const m = new RegExp(`<body[^>]*\\s${name}="(\\d+)"`).exec(dom);
  return m ? Number(m[1]) : null;
}

/** Loads `html` in headless Chromium and reads the page's check back. */
export function checkHtmlInChromium(html: string): PageCheck {
  const dir = mkdtempSync(join(tmpdir(), 'cpdiag-html-'));
  try {
    const file = join(dir, 'report.html');
    writeFileSync(file, html);
    const result = spawnSync(CHROMIUM, [...FLAGS, `--user-data-dir=${join(dir, 'profile')}`, '--dump-dom', `file://${file}`], { encoding: 'utf8', timeout: 90_000 });
    if (result.status !== 0) throw new Error(`chromium exited ${result.status}: ${(result.stderr ?? '').slice(-500)}`);
    const dom = result.stdout;
    const errors = /<pre id="cpdiag-errors"[^>]*>([^<]*)<\/pre>/.exec(dom)?.[1] ?? 'the error box is missing from the DOM';
    const blank = [...dom.matchAll(/<canvas id="([^"]+)"[^>]*data-drawn="no"/g)].map((m) => m[1]);
    return { errors, total: attr(dom, 'data-charts-total'), drawn: attr(dom, 'data-charts-drawn'), instances: attr(dom, 'data-chart-instances'), blank, dom };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
