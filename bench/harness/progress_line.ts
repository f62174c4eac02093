/**
 * The progress line on stderr while a run goes on (stdout stays clean for the table and
 * the JSON last line). On a terminal it rewrites one line; otherwise it prints a line
 * every few seconds, so logs of CI runs stay short.
 */
import { GeneratorProgress } from '../load/generator_process.js';

const PLAIN_INTERVAL_MS = 5000;

export class ProgressLine {
  private label = '';
  private started_ms = 0;
  private total_s = 0;
  private last_plain_ms = 0;
  private readonly tty: boolean;

  constructor(private readonly enabled: boolean, private readonly stream: NodeJS.WriteStream = process.stderr) {
    this.tty = stream.isTTY === true;
  }

  begin(label: string, total_s: number): void {
    this.label = label;
    this.started_ms = performance.now();
    this.total_s = total_s;
    this.last_plain_ms = 0;
    this.write(`${label}: starting`);
  }

  update(p: GeneratorProgress): void {
    const elapsed_s = (performance.now() - this.started_ms) / 1000;
    this.write(`${this.label}: ${elapsed_s.toFixed(0)}/${this.total_s.toFixed(0)} s, sent ${p.sent}, answered ${p.answered}, `
      + `errors ${p.errors}, in flight ${p.in_flight}`);
  }

  /** A line that stays (a finished run, a skipped scenario). */
  note(text: string): void {
    if (!this.enabled) return;
    if (this.tty) this.stream.write('\r\x1b[2K');
    this.stream.write(`${text}\n`);
  }

  end(): void {
    if (this.enabled && this.tty) this.stream.write('\r\x1b[2K');
  }

  private write(text: string): void {
    if (!this.enabled) return;
    if (this.tty) {
      this.stream.write(`\r\x1b[2K${text}`);
      return;
    }
    const now = performance.now();
    if (now - this.last_plain_ms < PLAIN_INTERVAL_MS) return;
    this.last_plain_ms = now;
    this.stream.write(`${text}\n`);
  }
}
