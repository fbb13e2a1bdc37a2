// Progress on stderr, in one of three modes:
//   tty    a line redrawn in place (fitted to the terminal's width), with permanent lines above it
//          for what finished (a step, a run) and a ticker that redraws it every second so that
//          an ETA counts down between events;
//   plain  off a TTY (CI logs, pipes): only the permanent lines, plain text, no control characters,
//          so a log shows progress without carriage returns;
//   off    -q/--quiet: nothing.
import { formatSeconds } from '../format.js';
import { truncateText } from '../report/text-layout.js';

export type ProgressMode = 'tty' | 'plain' | 'off';

export function progressMode(quiet: boolean, stream: { isTTY?: boolean } = process.stderr): ProgressMode {
  return quiet ? 'off' : stream.isTTY ? 'tty' : 'plain';
}

/** Redraws of the live line per second at most (the ticker's period). */
const TICK_MS = 1000;

export class ProgressLine {
  private lastLength = 0;
  private current = '';
  private ticker: NodeJS.Timeout | undefined;
  private render: (() => string | undefined) | undefined;

  constructor(
    readonly mode: ProgressMode,
    private readonly stream: NodeJS.WriteStream = process.stderr,
  ) {}

  /** The live line (tty only): replaced in place. */
  update(text: string): void {
    if (this.mode !== 'tty') return;
    this.current = text;
    this.draw();
  }

  /** A permanent line: above the live line on a TTY, a plain line in a log; nothing when quiet. */
  log(text: string): void {
    if (this.mode === 'off') return;
    if (this.mode === 'plain') {
      this.stream.write(`${text}\n`);
      return;
    }
    this.clear();
    this.stream.write(`${text}\n`);
    // Redrawn from the ticker's renderer when there is one: what the line said may be stale now.
    const fresh = this.render?.();
    if (fresh !== undefined) this.current = fresh;
    if (this.current) this.draw();
  }

  /** On a TTY, calls `render` every second and shows what it returns (an ETA counting down). */
  tick(render: () => string | undefined): void {
    if (this.mode !== 'tty' || this.ticker) return;
    this.render = render;
    this.ticker = setInterval(() => {
      const text = render();
      if (text !== undefined) this.update(text);
    }, TICK_MS);
    this.ticker.unref();
  }

  done(): void {
    if (this.ticker) clearInterval(this.ticker);
    this.ticker = undefined;
    this.render = undefined;
    this.current = '';
    this.clear();
  }

  private draw(): void {
    // One column short of the width: a line that fills it exactly wraps on some terminals.
    const width = Math.max(20, (this.stream.columns || 100) - 1);
    const line = truncateText(this.current, width);
    this.stream.write(`\r${line}\x1b[K`);
    this.lastLength = line.length;
  }

  private clear(): void {
    if (this.mode !== 'tty' || this.lastLength === 0) return;
    this.stream.write('\r\x1b[K');
    this.lastLength = 0;
  }
}

/** An estimate or elapsed time in whole seconds (the progress line need not flicker tenths). */
export function formatEta(seconds: number): string {
  return !Number.isFinite(seconds) || seconds < 0 ? '?' : formatSeconds(Math.round(seconds));
}
