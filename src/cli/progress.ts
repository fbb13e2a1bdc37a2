// A one-line progress display on stderr, redrawn in place; silent when stderr is not a TTY
// (CI logs and pipes get no control characters).
import { formatSeconds } from '../format.js';

export class ProgressLine {
  private readonly enabled: boolean;
  private lastLength = 0;
  constructor(stream: NodeJS.WriteStream = process.stderr, force?: boolean) {
    this.enabled = force ?? Boolean(stream.isTTY);
  }

  update(text: string): void {
    if (!this.enabled) return;
    const line = text.length > 160 ? text.slice(0, 159) + '…' : text;
    process.stderr.write(`\r${line}${' '.repeat(Math.max(0, this.lastLength - line.length))}`);
    this.lastLength = line.length;
  }

  done(): void {
    if (!this.enabled || this.lastLength === 0) return;
    process.stderr.write(`\r${' '.repeat(this.lastLength)}\r`);
    this.lastLength = 0;
  }
}

/** An estimate or elapsed time in whole seconds (the progress line need not flicker tenths). */
export function formatEta(seconds: number): string {
  return !Number.isFinite(seconds) || seconds < 0 ? '?' : formatSeconds(Math.round(seconds));
}
