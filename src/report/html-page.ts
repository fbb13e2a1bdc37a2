// One self-contained HTML page for any document (run, sweep, gate, inspect): no network, chart.js's
// UMD bundle inlined (read from node_modules at report time), the data embedded as JSON, and a
// small shared runtime the page scripts draw with (`CP.make`, `CP.color`, marker lines).
//
// The page reports on itself for tests and headless checks, out of the reader's view: once the
// page script has run, <body> carries data-charts-total (charts the page asked for),
// data-charts-drawn (canvases with ink on them), data-chart-instances (live chart.js instances)
// data-page-height and data-charts-done; #cpdiag-errors (hidden while empty) collects any script
// error.
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { CpdiagError, EXIT } from '../exit-codes.js';

let chartJsCache: string | undefined;

/** chart.js's UMD bundle; its package exports hide the path, so resolve the package and look beside it. */
export function readChartJsBundle(): string {
  if (chartJsCache !== undefined) return chartJsCache;
  try {
    const require = createRequire(import.meta.url);
    const main = require.resolve('chart.js');
    chartJsCache = readFileSync(join(dirname(main), 'chart.umd.js'), 'utf8');
    return chartJsCache;
  } catch (e) {
    throw new CpdiagError(`cannot read chart.js's bundle for the HTML report: ${(e as Error).message}`, EXIT.MISSING_DEPENDENCY, 'reinstall cpdiag (npm install) so that node_modules/chart.js is present');
  }
}

export function escapeHtml(s: string): string {
  return s.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);
}

/** JSON safe inside a <script> element. */
export function scriptJson(value: unknown): string {
  return JSON.stringify(value).replace(/</g, '\\u003c').replace(/\u2028/g, '\\u2028').replace(/\u2029/g, '\\u2029');
}

/** A canvas the page script draws into by id (fixed size: the charts are not responsive, so a screenshot is stable). */
export function canvasHtml(id: string, width = 600, height = 340): string {
  return `<canvas id="${escapeHtml(id)}" width="${width}" height="${height}"></canvas>`;
}

/** A table of plain-text cells (escaped); columns from `numericFrom` on are right-aligned; no header row when every header is ''. */
export function tableHtml(header: string[], rows: string[][], numericFrom = 1): string {
  const head = header.some((h) => h !== '') ? `<thead><tr>${header.map((h) => `<th>${escapeHtml(h)}</th>`).join('')}</tr></thead>` : '';
  return `<table>${head}<tbody>${rows
    .map((r) => `<tr>${r.map((c, i) => `<td${i >= numericFrom ? ' class="num"' : ''}>${escapeHtml(c)}</td>`).join('')}</tr>`)
    .join('')}</tbody></table>`;
}

/** A bulleted list of plain-text items (escaped); empty input gives an empty string. */
export function listHtml(items: string[]): string {
  return items.length ? `<ul>${items.map((x) => `<li>${escapeHtml(x)}</li>`).join('')}</ul>` : '';
}

const STYLE = `
body{font-family:system-ui,sans-serif;margin:24px;max-width:1240px;color:#222}
h1{font-size:22px;margin:0 0 4px} h2{font-size:17px;margin:22px 0 8px} h3{font-size:14px;margin:10px 0 4px}
.dim{color:#777} .rec{background:#eef7ee;border:1px solid #9c9;padding:8px 16px;border-radius:6px} .reason{font-size:15px;font-weight:600}
.bad{background:#fbeeee;border-color:#d99} .warn{background:#fdf6e3;border-color:#dc9}
table{border-collapse:collapse;font-size:12px} th,td{border:1px solid #ccc;padding:3px 7px;vertical-align:top} td.num{text-align:right} th{background:#f3f3f3;text-align:left}
canvas{border:1px solid #eee;margin:6px 0} .row{display:flex;flex-wrap:wrap;gap:8px} pre{background:#f6f6f6;padding:6px;white-space:pre-wrap}
#cpdiag-errors{color:#b00;white-space:pre-wrap;background:#fff0f0;border:1px solid #d99;padding:6px} #cpdiag-errors:empty{display:none}
.fix{margin:2px 0 8px} .cost{margin:6px 0}
.badge{display:inline-block;padding:1px 8px;border-radius:10px;font-size:13px;font-weight:600;color:#fff}
.v-pass,.v-no_change{background:#2a7d2a} .v-regression{background:#c0392b} .v-improvement{background:#1f77b4} .v-inconclusive{background:#b8860b}
`;

/**
 * The runtime every page script uses, before the page's own script. CP.make(id, config) draws a
 * chart into canvas #id; CP.vline / CP.hline / CP.band return chart.js plugins that mark a value;
 * CP.check() records on <body> how many charts were asked for, how many drew, and how many
 * chart.js instances exist.
 */
const RUNTIME = String.raw`
var CP = (function () {
  var box = document.getElementById('cpdiag-errors');
  var asked = [];
  Chart.defaults.animation = false;
  Chart.defaults.font.family = 'system-ui, sans-serif';
  var palette = ['#1f77b4','#ff7f0e','#2ca02c','#d62728','#9467bd','#8c564b','#e377c2','#7f7f7f','#bcbd22','#17becf','#393b79','#637939'];
  function color(i) { return palette[i % palette.length]; }
  function report(text) { box.textContent += text + '\n'; }
  function make(id, config) {
    var el = document.getElementById(id);
    if (!el) { report('error: no canvas #' + id); return null; }
    asked.push(el);
    config.options = config.options || {};
    config.options.responsive = false;
    config.options.maintainAspectRatio = false;
    return new Chart(el.getContext('2d'), config);
  }
  function dashed(g, color, width, dash) { g.strokeStyle = color; g.lineWidth = width || 1.5; g.setLineDash(dash || [6, 4]); }
  // A vertical marker at x = value on scale 'x', labelled at the top.
  function vline(value, label, color) {
    return { id: 'vline-' + label, afterDatasetsDraw: function (c) {
      var s = c.scales.x, x = s.getPixelForValue(value), a = c.chartArea;
      if (!(x >= a.left && x <= a.right)) return;
      var g = c.ctx; g.save(); dashed(g, color || '#000', 1.5, [6, 4]);
      g.beginPath(); g.moveTo(x, a.top); g.lineTo(x, a.bottom); g.stroke();
      g.setLineDash([]); g.fillStyle = color || '#000'; g.font = '11px system-ui, sans-serif'; g.textAlign = x > a.right - 80 ? 'right' : 'left';
      g.fillText(label, x + (g.textAlign === 'left' ? 4 : -4), a.top + 12); g.restore();
    } };
  }
  // A horizontal marker at y = value on the given y scale ('y' unless said), labelled at the right.
  function hline(value, label, color, scaleId) {
    return { id: 'hline-' + label, afterDatasetsDraw: function (c) {
      var s = c.scales[scaleId || 'y'], y = s.getPixelForValue(value), a = c.chartArea;
      if (!(y >= a.top && y <= a.bottom)) return;
      var g = c.ctx; g.save(); dashed(g, color || '#000', 1.5, [8, 4]);
      g.beginPath(); g.moveTo(a.left, y); g.lineTo(a.right, y); g.stroke();
      g.setLineDash([]); g.fillStyle = color || '#000'; g.font = '11px system-ui, sans-serif'; g.textAlign = 'right';
      g.fillText(label, a.right - 4, y - 4); g.restore();
    } };
  }
  // A shaded horizontal band between y = lo and y = hi (either may be null: to the chart's edge).
  function band(lo, hi, fill, label) {
    return { id: 'band-' + label, beforeDatasetsDraw: function (c) {
      var s = c.scales.y, a = c.chartArea;
      var top = hi === null ? a.top : Math.max(a.top, s.getPixelForValue(hi));
      var bottom = lo === null ? a.bottom : Math.min(a.bottom, s.getPixelForValue(lo));
      if (!(bottom >= top)) return;
      var g = c.ctx; g.save(); g.fillStyle = fill; g.fillRect(a.left, top, a.right - a.left, Math.max(bottom - top, 1.5));
      if (label) { g.fillStyle = '#555'; g.font = '11px system-ui, sans-serif'; g.textAlign = 'left'; g.fillText(label, a.left + 4, Math.max(top, a.top) + 12); }
      g.restore();
    } };
  }
  // A canvas counts as drawn when it has enough non-blank pixels.
  function check() {
    var drawn = 0;
    asked.forEach(function (canvas) {
      var data = canvas.getContext('2d').getImageData(0, 0, canvas.width, canvas.height).data, inked = 0;
      for (var i = 3; i < data.length; i += 16) if (data[i] !== 0) inked++;
      canvas.setAttribute('data-drawn', inked > 50 ? 'yes' : 'no');
      if (inked > 50) drawn++;
    });
    var body = document.body;
    body.setAttribute('data-charts-total', String(asked.length));
    body.setAttribute('data-charts-drawn', String(drawn));
    body.setAttribute('data-chart-instances', String(Object.keys(Chart.instances).length));
    // For a full-page screenshot: the height the page needs at its width.
    body.setAttribute('data-page-height', String(document.documentElement.scrollHeight));
    body.setAttribute('data-charts-done', 'yes');
  }
  return { data: JSON.parse(document.getElementById('cpdiag-data').textContent), color: color, make: make, vline: vline, hline: hline, band: band, check: check, report: report };
})();
`;

export interface HtmlPage {
  title: string;
  /** The line under the title: what was measured, when, where (HTML, already escaped). */
  subtitleHtml: string;
  /** Everything below the subtitle (HTML, already escaped). */
  bodyHtml: string;
  /** What the page script reads, as CP.data. */
  data: unknown;
  /** The page's own drawing code (plain ES5, run after the runtime; `CP` and `D = CP.data` in scope). */
  script: string;
}

export function renderHtmlPage(p: HtmlPage): string {
  const page = `(function () { var D = CP.data;\n${p.script}\n})();`;
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>${escapeHtml(p.title)}</title>
<style>${STYLE}</style></head><body>
<pre id="cpdiag-errors"></pre>
<script>(function(){var box=document.getElementById('cpdiag-errors');window.onerror=function(m,s,l){box.textContent+='error: '+m+' (line '+l+')\\n';};var ce=console.error;console.error=function(){box.textContent+='console.error: '+Array.prototype.join.call(arguments,' ')+'\\n';return ce.apply(console,arguments);};})();</script>
<h1>${escapeHtml(p.title)}</h1>
<p class="dim">${p.subtitleHtml}</p>
${p.bodyHtml}
<script id="cpdiag-data" type="application/json">${scriptJson(p.data)}</script>
<script>${readChartJsBundle().replace(/<\/script/gi, '<\\/script')}</script>
<script>${RUNTIME}</script>
<script>try { ${page} } catch (e) { CP.report('error: ' + (e && e.message ? e.message : e)); } finally { CP.check(); }</script>
</body></html>
`;
}
