import type { SyncProgress } from '@keepsake/agent';
import { formatBytes } from './format.js';

const LABELS: Record<SyncProgress['phase'], string> = {
  reading: 'reading',
  uploading: 'uploading',
  downloading: 'downloading',
};

/**
 * Long work shown as it goes: on a terminal, one line redrawn in place (files, bytes, rate,
 * time left); elsewhere (a log file, a pipe), a plain line now and then, so logs stay readable.
 */
export class ProgressLine {
  #phase: SyncProgress['phase'] | undefined;
  #startedAt = 0;
  #drawnAt = 0;
  #shown = false;

  constructor(
    private readonly stream: NodeJS.WriteStream = process.stderr,
    private readonly now: () => number = Date.now,
  ) {}

  update(progress: SyncProgress): void {
    const now = this.now();
    if (progress.phase !== this.#phase) {
      this.#phase = progress.phase;
      this.#startedAt = now;
      this.#drawnAt = 0;
    }
    const interval = this.stream.isTTY ? 100 : 10_000;
    const finished = progress.totalFiles !== undefined && progress.files >= progress.totalFiles;
    if (now - this.#drawnAt < interval && !finished) return;
    this.#drawnAt = now;
    const text = describeProgress(progress, (now - this.#startedAt) / 1000);
    if (this.stream.isTTY) {
      this.stream.write(`\r\x1b[K${text}`);
      this.#shown = true;
    } else {
      this.stream.write(`${text}\n`);
    }
  }

  /** Clears the line before other output, so the two do not run together. */
  clear(): void {
    if (this.#shown) this.stream.write('\r\x1b[K');
    this.#shown = false;
  }
}

export function describeProgress(p: SyncProgress, elapsedS: number): string {
  const files =
    p.totalFiles === undefined
      ? `${String(p.files)} files`
      : `${String(p.files)}/${String(p.totalFiles)} files`;
  const bytes =
    p.totalBytes === undefined
      ? formatBytes(p.bytes)
      : `${formatBytes(p.bytes)}/${formatBytes(p.totalBytes)}`;
  const rate = elapsedS > 0.5 ? p.bytes / elapsedS : 0;
  const parts = [`${LABELS[p.phase]} ${files}`, bytes];
  if (rate > 0) parts.push(`${formatBytes(rate)}/s`);
  if (rate > 0 && p.totalBytes !== undefined && p.totalBytes > p.bytes) {
    parts.push(`${formatDuration((p.totalBytes - p.bytes) / rate)} left`);
  }
  return parts.join('  ');
}

function formatDuration(seconds: number): string {
  const s = Math.ceil(seconds);
  if (s < 60) return `${String(s)}s`;
  const m = Math.floor(s / 60);
  if (m < 60) return `${String(m)}m${String(s % 60).padStart(2, '0')}s`;
  return `${String(Math.floor(m / 60))}h${String(m % 60).padStart(2, '0')}m`;
}
