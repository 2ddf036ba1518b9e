// Page cursors for keyset pagination: opaque to clients, a (sort key, id) pair inside.

export interface Cursor {
  readonly key: string;
  readonly id: string;
}

export const encodeCursor = (cursor: Cursor): string =>
  Buffer.from(JSON.stringify([cursor.key, cursor.id])).toString('base64url');

/** Throws a message fit for a 400 when the cursor was not made by encodeCursor. */
export function decodeCursor(text: string): Cursor {
  try {
    const value: unknown = JSON.parse(Buffer.from(text, 'base64url').toString('utf8'));
    if (
      Array.isArray(value) &&
      value.length === 2 &&
      typeof value[0] === 'string' &&
      typeof value[1] === 'string'
    ) {
      return { key: value[0], id: value[1] };
    }
  } catch {
    // fall through to the error below
  }
  throw new CursorError();
}

export class CursorError extends Error {
  override readonly name = 'CursorError';
  constructor() {
    super('cursor is not one this server gave out; start again without a cursor');
  }
}
