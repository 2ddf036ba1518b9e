import { checkLibraryPath, type PathCheck } from '@keepsake/core';

// Where uploaded files go in the library's folder tree, which every synced device folder
// mirrors. A folder uploaded lands as if copied into a synced folder: at the top, under its own
// name, its structure kept. Files chosen on their own have no folder to keep, so they go under
// one folder per upload day: together where the user will look for them, and no folder grows
// without end (a device's file manager lists it whole).

export const LOOSE_FILES_FOLDER = 'Uploads';

export interface ChosenName {
  readonly name: string;
  /** Its path within the folder chosen or dropped, that folder's name first; absent for a file on its own. */
  readonly folderPath?: string;
}

/** A chosen file's path in the library, or why its name cannot be one. */
export function libraryPathOf(chosen: ChosenName, uploadDay: string): PathCheck {
  return checkLibraryPath(chosen.folderPath ?? `${LOOSE_FILES_FOLDER}/${uploadDay}/${chosen.name}`);
}

/** The day key ("2026-11-30") of a moment in the browser's own zone: the user's day. */
export function dayKey(at: Date): string {
  const pad = (n: number) => String(n).padStart(2, '0');
  return `${String(at.getFullYear())}-${pad(at.getMonth() + 1)}-${pad(at.getDate())}`;
}

/**
 * What the system, not the user, leaves in a folder (`.DS_Store`, `._IMG_0001.JPG`, a `.Trashes`
 * folder): names starting with a dot. They are left out of a folder's upload.
 */
export const isHidden = (folderPath: string): boolean =>
  folderPath.split('/').some((segment) => segment.startsWith('.'));

/**
 * Splits files into runs within which no two share a path: two files chosen with one name
 * (from two folders) cannot both be in one look at a folder, so each run is imported on its own.
 * Every first file of a path is in the first run, so companions stay together.
 */
export function distinctPathRuns<T extends { readonly path: string }>(files: readonly T[]): T[][] {
  const runs: T[][] = [];
  const seen = new Map<string, number>();
  for (const file of files) {
    const run = seen.get(file.path) ?? 0;
    seen.set(file.path, run + 1);
    (runs[run] ??= []).push(file);
  }
  return runs;
}
