/**
 * Library paths are relative, '/'-separated and made safe here, once, for every part that
 * takes a path from outside: no absolute paths, no '..' or '.' segments, no NUL or control
 * characters, no empty segments, no half of a UTF-16 surrogate pair (no file system can name
 * it, and it cannot be sent as a download's file name). Unicode is NFC so macOS and Linux agree
 * on one spelling.
 */
export type PathCheck = { ok: true; path: string } | { ok: false; problem: string };

const MAX_PATH_LENGTH = 1024;
const MAX_SEGMENT_LENGTH = 255;
export const CONTROL = /[\u0000-\u001f\u007f]/;
export const LONE_SURROGATE =
  /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

export function checkLibraryPath(raw: string): PathCheck {
  if (raw.length === 0) return { ok: false, problem: 'is empty' };
  if (CONTROL.test(raw)) return { ok: false, problem: 'contains NUL or a control character' };
  if (LONE_SURROGATE.test(raw)) {
    return { ok: false, problem: 'is not well-formed Unicode (half of a surrogate pair)' };
  }
  const path = raw.normalize('NFC');
  if (path.startsWith('/') || path.includes('\\') || /^[a-zA-Z]:/.test(path)) {
    return {
      ok: false,
      problem: 'must be relative and use "/" (no leading "/", no "\\", no drive)',
    };
  }
  if (path.length > MAX_PATH_LENGTH) {
    return { ok: false, problem: `is longer than ${MAX_PATH_LENGTH} characters` };
  }
  for (const segment of path.split('/')) {
    if (segment === '')
      return { ok: false, problem: 'has an empty segment ("//" or a trailing "/")' };
    if (segment === '.' || segment === '..') {
      return { ok: false, problem: 'may not contain "." or ".." segments' };
    }
    if (segment.length > MAX_SEGMENT_LENGTH) {
      return { ok: false, problem: `has a segment longer than ${MAX_SEGMENT_LENGTH} characters` };
    }
  }
  return { ok: true, path };
}

export interface PathParts {
  /** Folder with its trailing '/', or '' at the top. */
  readonly dir: string;
  /** File name without its extension. */
  readonly base: string;
  /** Extension without the dot, or ''. */
  readonly ext: string;
}

export function splitPath(path: string): PathParts {
  const slash = path.lastIndexOf('/');
  const dir = path.slice(0, slash + 1);
  const name = path.slice(slash + 1);
  const dot = name.lastIndexOf('.');
  // '.hidden' and 'name.' have no extension: the base keeps the dot, so joinPath inverts this.
  if (dot <= 0 || dot === name.length - 1) return { dir, base: name, ext: '' };
  return { dir, base: name.slice(0, dot), ext: name.slice(dot + 1) };
}

export function joinPath({ dir, base, ext }: PathParts): string {
  return ext === '' ? `${dir}${base}` : `${dir}${base}.${ext}`;
}
