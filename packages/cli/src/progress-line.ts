import type { SyncProgress } from '@keepsake/agent';
import { formatBytes } from './format.js';

const LABELS: Record<SyncProgress['phase'], string> = {
  reading: 'reading',
  uploading: 'uploading',
  downloading: 'downloading',
};

/** How far back the rate looks: enough to smooth out file-sized steps, not to lag the pace. */
const RATE_WINDOW_MS = 20_000;
/** Moments closer together than this are kept as one, the later. */
const SAMPLE_MS = 250;
/** A shorter span gives a rate from one or two files that finished together: noise. */
const MIN_SPAN_MS = 1_000;

/**
 * Bytes per second over the last RATE_WINDOW_MS of progress. Only moments when bytes moved are
 * kept, so a wait (the network, a pause) is forgotten once the window has passed it, and nothing
 * moving for a whole window means no rate at all rather than one falling towards zero. The last
 * two moments are always kept: a file slower than the window still gets a rate.
 */
class RecentRate {
  readonly #moves: { readonly at: number; readonly bytes: number }[] = [];

  add(at: number, bytes: number): void {
    const last = this.#moves.at(-1);
    if (last && bytes === last.bytes) return;
    // Fewer bytes than before: a new round counting from 0 (watch mode), not this one going on.
    if (last && bytes < last.bytes) this.#moves.length = 0;
    // One moment per SAMPLE_MS: thousands of small files a second keep the list short.
    const before = this.#moves.at(-2);
    if (before && at - before.at < SAMPLE_MS) this.#moves.pop();
    this.#moves.push({ at, bytes });
    const since = at - RATE_WINDOW_MS;
    while (this.#moves.length > 2 && (this.#moves[0]?.at ?? at) < since) this.#moves.shift();
  }

  /** The recent rate, or undefined when there is too little recent progress to tell. */
  perSecond(now: number): number | undefined {
    const [first] = this.#moves;
    const last = this.#moves.at(-1);
    if (!first || !last || now - last.at > RATE_WINDOW_MS) return undefined;
    const span = last.at - first.at;
    return span < MIN_SPAN_MS ? undefined : ((last.bytes - first.bytes) * 1000) / span;
  }
}

/**
 * Long work shown as it goes: on a terminal, one line redrawn in place (files, bytes, rate,
 * time left); elsewhere (a log file, a pipe), a plain line now and then, so logs stay readable.
 */
export class ProgressLine {
  #phase: SyncProgress['phase'] | undefined;
  #rate = new RecentRate();
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
      this.#rate = new RecentRate();
      this.#drawnAt = 0;
    }
    this.#rate.add(now, progress.bytes);
    const interval = this.stream.isTTY ? 100 : 10_000;
    const finished = progress.totalFiles !== undefined && progress.files >= progress.totalFiles;
    if (now - this.#drawnAt < interval && !finished) return;
    this.#drawnAt = now;
    const text = describeProgress(progress, this.#rate.perSecond(now));
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

/** One line of progress; `rate` in bytes per second, undefined when not known. */
export function describeProgress(p: SyncProgress, rate: number | undefined): string {
  const files =
    p.totalFiles === undefined
      ? `${String(p.files)} files`
      : `${String(p.files)}/${String(p.totalFiles)} files`;
  const bytes =
    p.totalBytes === undefined
      ? formatBytes(p.bytes)
      : `${formatBytes(p.bytes)}/${formatBytes(p.totalBytes)}`;
  const parts = [`${LABELS[p.phase]} ${files}`, bytes];
  if (rate === undefined || rate <= 0) return parts.join('  ');
  parts.push(`${formatBytes(rate)}/s`);
  if (p.totalBytes !== undefined && p.totalBytes > p.bytes) {
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
