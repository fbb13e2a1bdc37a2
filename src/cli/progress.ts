// A one-line progress display on stderr, redrawn in place; silent when stderr is not a TTY
// (CI logs and pipes get no control characters).
import { err } from './output.js';

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

export function formatEta(seconds: number): string {
  if (!Number.isFinite(seconds) || seconds < 0) return '?';
  const m = Math.floor(seconds / 60);
  const s = Math.round(seconds % 60);
  return m > 0 ? `${m}m${String(s).padStart(2, '0')}s` : `${s}s`;
}

export const dim = err.dim;
