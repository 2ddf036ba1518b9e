import { describe, expect, it } from 'vitest';
import type { HistoryEntry } from '../api/client.js';
import { describeEntry } from './describe-entry.js';

const entry = (
  payload: Record<string, unknown>,
  outcome: HistoryEntry['outcome'] = { status: 'applied' },
): HistoryEntry => ({
  seq: 7,
  receivedAt: '2026-11-24T10:02:00.000Z',
  op: {
    opId: 'op-000001',
    device: 'dev-laptop',
    hlc: { ms: 1, counter: 0, node: 'dev-laptop' },
    payload: { kind: String(payload.kind), ...payload },
  },
  outcome,
});
const names = new Map([['dev-laptop', "Alice's laptop"]]);

describe('an asset history in plain words', () => {
  it('names the device and what the op did', () => {
    expect(describeEntry(entry({ kind: 'import', path: '2024/05/IMG_1.HEIC' }), names)).toEqual({
      action: 'Imported as 2024/05/IMG_1.HEIC',
      device: "Alice's laptop",
      status: 'applied',
    });
    expect(
      describeEntry(entry({ kind: 'setField', field: 'favorite', value: true }), names).action,
    ).toBe('Marked as a favorite');
    expect(
      describeEntry(entry({ kind: 'move', from: 'a/1.jpg', to: 'b/1.jpg' }), names).action,
    ).toBe('Moved from a/1.jpg to b/1.jpg');
    expect(describeEntry(entry({ kind: 'move', from: 'a/1.jpg', to: null }), names).action).toBe(
      'Removed from a/1.jpg',
    );
  });

  it('says which versions an edit replaced and what a merge kept', () => {
    const merged = describeEntry(
      entry(
        { kind: 'edit', context: ['op-3f9a1234aa'] },
        { status: 'merged', note: 'concurrent edit', siblings: ['op-77aa0000bb'] },
      ),
      names,
    );
    expect(merged.action).toBe('Edited: a new version replaced version op-3f9a1');
    expect(merged.result).toBe(
      'Kept beside version op-77aa0: the photo is in conflict until one is chosen',
    );
  });

  it('describes album ops, which name no photo', () => {
    const words = (payload: Record<string, unknown>) =>
      describeEntry(entry({ kind: 'createAlbum', ...payload }), names).action;
    expect(words({ name: 'Summer' })).toBe('Album “Summer” created');
    expect(words({ kind: 'renameAlbum', name: 'Autumn' })).toBe('Album renamed to “Autumn”');
    expect(words({ kind: 'shareAlbum', user: 'user-bob', role: 'viewer' })).toBe(
      'Album shared with user user-bob as viewer',
    );
    expect(words({ kind: 'shareAlbum', user: 'user-bob', role: null })).toBe(
      'Album no longer shared with user user-bob',
    );
  });

  it("gives a refusal's reason and shows an unknown device by its id", () => {
    const refused = describeEntry(
      entry(
        { kind: 'restore' },
        { status: 'rejected', reason: 'purged', message: 'the asset was purged' },
      ),
      new Map(),
    );
    expect(refused).toEqual({
      action: 'Restored from the trash',
      device: 'dev-laptop',
      status: 'rejected',
      result: 'Refused: the asset was purged',
    });
  });
});
