// The whole timeline laid out as rows before a photo of it is loaded: the server says how many
// photos each day holds (GET /api/v1/timeline), so every row's place is exact from the start,
// and scrolling or jumping to a year never shifts what is on screen.

/** A day of the timeline: the date its photos were taken on, or 'unknown' for photos with none. */
export interface TimelineDay {
  readonly day: string;
  readonly count: number;
}

export type TimelineRow =
  | { readonly kind: 'month'; readonly key: string; readonly month: string }
  | { readonly kind: 'day'; readonly key: string; readonly day: string }
  | {
      readonly kind: 'photos';
      readonly key: string;
      readonly day: string;
      /** The row's first photo, counted within its day. */
      readonly from: number;
      readonly count: number;
    };

export interface TimelineLayout {
  readonly rows: readonly TimelineRow[];
  /** Each year's first row, newest year first: where the scrubber jumps to. */
  readonly years: readonly { readonly year: string; readonly row: number }[];
}

export const UNKNOWN_DAY = 'unknown';

/** `columns` photos to a row; a month header where the month changes, a day header per day. */
export function layOutTimeline(days: readonly TimelineDay[], columns: number): TimelineLayout {
  const rows: TimelineRow[] = [];
  const years: { year: string; row: number }[] = [];
  let month: string | undefined;
  for (const { day, count } of days) {
    const dayMonth = day === UNKNOWN_DAY ? UNKNOWN_DAY : day.slice(0, 7);
    if (dayMonth !== month) {
      month = dayMonth;
      const year = dayMonth.slice(0, 4);
      if (dayMonth !== UNKNOWN_DAY && years.at(-1)?.year !== year) {
        years.push({ year, row: rows.length });
      }
      rows.push({ kind: 'month', key: `m${dayMonth}`, month: dayMonth });
    }
    if (day !== UNKNOWN_DAY) rows.push({ kind: 'day', key: `d${day}`, day });
    for (let from = 0; from < count; from += columns) {
      rows.push({
        kind: 'photos',
        key: `p${day}/${from}`,
        day,
        from,
        count: Math.min(columns, count - from),
      });
    }
  }
  return { rows, years };
}
