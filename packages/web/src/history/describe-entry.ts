import type { HistoryEntry } from '../api/client.js';

// An asset's history in plain words: what each op did, which device sent it, what came of it.

export interface EntryWords {
  /** What the op asked for: "Imported as 2024/05/IMG_1.HEIC". */
  readonly action: string;
  /** The device that sent it, by the name its owner gave it. */
  readonly device: string;
  /** What came of it, when it was not simply done: "Refused: …", "Kept beside …". */
  readonly result?: string;
  readonly status: HistoryEntry['outcome']['status'];
}

const short = (id: unknown) => (typeof id === 'string' ? id.slice(0, 8) : '?');
const shortList = (ids: unknown) =>
  Array.isArray(ids) && ids.length > 0 ? ids.map(short).join(', ') : 'nothing';
const text = (value: unknown) => (typeof value === 'string' ? value : JSON.stringify(value));

function action(payload: HistoryEntry['op']['payload']): string {
  const p = payload as Record<string, unknown>;
  switch (payload.kind) {
    case 'import':
      return `Imported as ${text(p.path)}`;
    case 'edit':
      return `Edited: a new version replaced version ${shortList(p.context)}`;
    case 'resolve':
      return `Conflict resolved, keeping version ${shortList(p.keep)}`;
    case 'trash':
      return 'Moved to the trash';
    case 'restore':
      return 'Restored from the trash';
    case 'purge':
      return 'Deleted permanently';
    case 'place':
      return `Copied to ${text(p.path)}`;
    case 'move':
      return p.to === null
        ? `Removed from ${text(p.from)}`
        : `Moved from ${text(p.from)} to ${text(p.to)}`;
    case 'setField':
      return fieldChange(text(p.field), p.value);
    case 'addKeyword':
      return `Keyword “${text(p.keyword)}” added`;
    case 'removeKeyword':
      return `Keyword “${text(p.keyword)}” removed`;
    case 'addToAlbum':
      return 'Added to an album';
    case 'removeFromAlbum':
      return 'Removed from an album';
    // Album ops name no photo: the sync inspector shows them.
    case 'createAlbum':
      return `Album “${text(p.name)}” created`;
    case 'renameAlbum':
      return `Album renamed to “${text(p.name)}”`;
    case 'shareAlbum':
      return p.role === null
        ? `Album no longer shared with user ${text(p.user)}`
        : `Album shared with user ${text(p.user)} as ${text(p.role)}`;
    default:
      return `${payload.kind} (an op this version of the web app does not describe)`;
  }
}

function fieldChange(field: string, value: unknown): string {
  switch (field) {
    case 'favorite':
      return value === true ? 'Marked as a favorite' : 'No longer a favorite';
    case 'hidden':
      return value === true ? 'Hidden' : 'Shown again';
    case 'caption':
      return value === '' ? 'Caption removed' : `Caption set to “${text(value)}”`;
    case 'takenAtOverride':
      return value === null ? 'Date set by hand cleared' : `Date set by hand to ${text(value)}`;
    default:
      return `${field} set to ${text(value)}`;
  }
}

function result(outcome: HistoryEntry['outcome']): string | undefined {
  switch (outcome.status) {
    case 'applied':
      return outcome.note;
    case 'merged':
      return `Kept beside version ${shortList(outcome.siblings)}: the photo is in conflict until one is chosen`;
    case 'rejected':
      return `Refused: ${outcome.message}`;
  }
}

/** `deviceNames` maps the caller's device ids to their names; others show their id. */
export function describeEntry(
  entry: HistoryEntry,
  deviceNames: ReadonlyMap<string, string>,
): EntryWords {
  const said = result(entry.outcome);
  return {
    action: action(entry.op.payload),
    device: deviceNames.get(entry.op.device) ?? entry.op.device,
    status: entry.outcome.status,
    ...(said !== undefined && { result: said }),
  };
}
