/** Why a digest operation failed; `kind` is for the edge to map (e.g. to an HTTP status). */
export type DigestErrorKind = 'invalid-entry' | 'invalid-prefix' | 'protocol-violation';

export class DigestError extends Error {
  readonly kind: DigestErrorKind;

  constructor(kind: DigestErrorKind, message: string) {
    super(message);
    this.name = 'DigestError';
    this.kind = kind;
  }
}

export function invalidEntry(id: string, stateHash: string): DigestError {
  const shown = (value: string) => JSON.stringify(value.slice(0, 80));
  return new DigestError(
    'invalid-entry',
    `a digest entry needs a 64-char lowercase hex asset id and state hash; got ${shown(id)} → ${shown(stateHash)}`,
  );
}
