// Laying text out for a terminal of a given width: paragraphs wrapped with a hanging indent,
// tables that drop their least useful columns (and say so) before they overflow, long lists
// collapsed to their ends. Widths are display columns of text that may carry colour codes:
// wrap-ansi, string-width and cli-truncate (the chalk authors' packages) measure and cut them.
import cliTruncate from 'cli-truncate';
import stringWidth from 'string-width';
import wrapAnsi from 'wrap-ansi';

/** How a document's text view is laid out. */
export interface TextView {
  /** Columns available; lines never exceed it (except an unbreakable word in a narrow terminal). */
  width: number;
  /** Only the answer (recommendation, verdict, top cause): `-q`. */
  quiet?: boolean;
}

/** Renderers called without a view (tests, old callers) lay out for a 100-column log. */
export const DEFAULT_VIEW: TextView = { width: 100 };

export function displayWidth(text: string): number {
  return stringWidth(text);
}

/** Cuts `text` to `width` columns with an ellipsis at the end (colour codes kept balanced). */
export function truncateText(text: string, width: number): string {
  return displayWidth(text) <= width ? text : cliTruncate(text, Math.max(1, width), { position: 'end' });
}

/**
 * Wraps one paragraph: the first line starts with `first`, the others with `rest` (a hanging
 * indent, spaces as wide as the label in front by default). Words longer than a line are broken.
 */
export function wrapText(text: string, width: number, first = '', rest = ' '.repeat(displayWidth(first))): string[] {
  const room = Math.max(10, width - Math.max(displayWidth(first), displayWidth(rest)));
  const lines = wrapAnsi(text, room, { hard: true, trim: true }).split('\n');
  return lines.map((l, i) => `${i === 0 ? first : rest}${l}`);
}

/** Each line of `lines` wrapped to `width`, continuation lines indented two more than the line. */
export function wrapLines(lines: string[], width: number): string[] {
  return lines.flatMap((line) => {
    if (displayWidth(line) <= width) return [line];
    const indent = /^ */.exec(line)![0];
    return wrapText(line.slice(indent.length), width, indent, `${indent}  `);
  });
}

/**
 * A list shortened to at most `max` items: the first ones and the last ones around one item in
 * the middle, `gap` (by default it says how many were left out).
 */
export function collapseList(items: string[], max: number, gap?: string): string[] {
  if (items.length <= max || max < 3) return items;
  const tail = Math.floor((max - 1) / 2);
  const head = max - 1 - tail;
  return [...items.slice(0, head), gap ?? `…${items.length - head - tail} more…`, ...items.slice(items.length - tail)];
}

export interface TableColumn {
  header: string;
  /** The first column defaults to left, the others to right. */
  align?: 'left' | 'right';
  /**
   * Which columns go first when the table is too wide: the lowest priority first (ties: the one
   * further right). Columns without a priority are never dropped.
   */
  priority?: number;
}

export interface FittedTable {
  lines: string[];
  /** Headers of the columns left out to fit the width. */
  hidden: string[];
}

const GAP = 2;
/** A column is never cut narrower than this (or its header, if shorter). */
const MIN_COLUMN = 5;

/**
 * A fixed-width table in at most `width` columns (after `indent`): optional columns are dropped,
 * lowest priority first, then the widest columns are cut with an ellipsis.
 */
export function fitTable(columns: TableColumn[], rows: string[][], width = Infinity, indent = ''): FittedTable {
  let keep = columns.map((_, i) => i);
  const natural = columns.map((c, i) => Math.max(displayWidth(c.header), ...rows.map((r) => displayWidth(r[i] ?? ''))));
  const room = width - displayWidth(indent);
  const total = (idx: number[], widths: number[]) => idx.reduce((a, i) => a + widths[i], 0) + GAP * Math.max(0, idx.length - 1);
  const hiddenIdx: number[] = [];
  while (total(keep, natural) > room) {
    const droppable = keep.filter((i) => columns[i].priority !== undefined);
    if (droppable.length === 0) break;
    const drop = droppable.reduce((a, b) => (columns[b].priority! <= columns[a].priority! ? b : a));
    keep = keep.filter((i) => i !== drop);
    hiddenIdx.push(drop);
  }
  const widths = [...natural];
  // Still too wide: take a column at a time off the widest, down to its floor.
  while (total(keep, widths) > room) {
    const widest = keep.reduce((a, b) => (widths[b] > widths[a] ? b : a));
    const floor = Math.min(natural[widest], Math.max(MIN_COLUMN, Math.min(displayWidth(columns[widest].header), MIN_COLUMN)));
    if (widths[widest] <= floor) break;
    widths[widest] -= 1;
  }
  const cell = (text: string, i: number) => {
    const t = truncateText(text, widths[i]);
    const pad = ' '.repeat(Math.max(0, widths[i] - displayWidth(t)));
    const left = (columns[i].align ?? (i === 0 ? 'left' : 'right')) === 'left';
    return left ? t + pad : pad + t;
  };
  const line = (cells: string[]) => `${indent}${keep.map((i) => cell(cells[i] ?? '', i)).join(' '.repeat(GAP))}`.trimEnd();
  return {
    lines: [line(columns.map((c) => c.header)), `${indent}${keep.map((i) => '─'.repeat(widths[i])).join(' '.repeat(GAP))}`, ...rows.map(line)],
    hidden: hiddenIdx.sort((a, b) => a - b).map((i) => columns[i].header),
  };
}

/** The note under a table that lost columns to the width. */
export function hiddenColumnsNote(hidden: string[], where: string): string | undefined {
  if (hidden.length === 0) return undefined;
  return `(${hidden.length === 1 ? 'column' : 'columns'} ${hidden.join(', ')} left out to fit the terminal: widen it, set COLUMNS, or see ${where})`;
}
