// Dates and sizes as people read them, in the browser's own language.

/** "Wednesday, 1 May 2024" for the day key "2024-05-01". */
export function dayHeading(day: string): string {
  return new Date(`${day}T12:00:00Z`).toLocaleDateString(undefined, {
    weekday: 'long',
    day: 'numeric',
    month: 'long',
    year: 'numeric',
    timeZone: 'UTC',
  });
}

/** "May 2024" for the month key "2024-05". */
export function monthHeading(month: string): string {
  return new Date(`${month}-15T12:00:00Z`).toLocaleDateString(undefined, {
    month: 'long',
    year: 'numeric',
    timeZone: 'UTC',
  });
}

/** A capture time as recorded, with its zone when the camera wrote one. */
export function takenAtText(takenAt: string): string {
  const zone = /(Z|[+-]\d\d:?\d\d)$/.exec(takenAt)?.[1];
  const local = new Date(`${takenAt.slice(0, 19)}Z`);
  if (Number.isNaN(local.getTime())) return takenAt;
  const text = local.toLocaleString(undefined, {
    dateStyle: 'long',
    timeStyle: 'short',
    timeZone: 'UTC',
  });
  return zone === undefined ? text : `${text} (UTC${zone === 'Z' ? '' : zone})`;
}

/** "24 Nov 2026, 10:02" in the viewer's zone: when something happened on the server. */
export const whenText = (iso: string) =>
  new Date(iso).toLocaleString(undefined, { dateStyle: 'medium', timeStyle: 'short' });

const BYTE_UNITS = ['byte', 'kilobyte', 'megabyte', 'gigabyte', 'terabyte'] as const;

/** "2 MB", in decimal units as file managers show them, in the browser's language. */
export function bytesText(bytes: number): string {
  const power = Math.min(BYTE_UNITS.length - 1, Math.floor(Math.log10(Math.max(1, bytes)) / 3));
  return new Intl.NumberFormat(undefined, {
    style: 'unit',
    unit: BYTE_UNITS[power],
    unitDisplay: 'short',
    maximumFractionDigits: 1,
  }).format(bytes / 1000 ** power);
}
