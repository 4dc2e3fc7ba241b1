/**
 * A one-line progress bar for long multi-model runs. It draws only on a terminal (the stream's
 * isTTY), on stderr, so piped output and `--json` on stdout stay clean.
 */
export interface ProgressStream {
  isTTY?: boolean;
  columns?: number;
  write(s: string): unknown;
}

export class ProgressBar {
  private readonly active: boolean;
  constructor(private readonly total: number, private readonly stream: ProgressStream = process.stderr, enabled = true) {
    this.active = enabled && Boolean(stream.isTTY) && total > 1;
  }

  /** Shows `done` of `total` finished, with the label of what runs next. */
  update(done: number, label: string): void {
    if (!this.active) return;
    const width = 24;
    const filled = Math.round((done / this.total) * width);
    const bar = '#'.repeat(filled) + '-'.repeat(width - filled);
    const line = `[${bar}] ${done}/${this.total} ${label}`;
    const max = (this.stream.columns ?? 80) - 1;
    this.stream.write(`\r${line.length > max ? line.slice(0, max) : line.padEnd(max)}`);
  }

  /** Erases the bar so the next output starts on a clean line. */
  done(): void {
    if (this.active) this.stream.write(`\r${' '.repeat((this.stream.columns ?? 80) - 1)}\r`);
  }
}
