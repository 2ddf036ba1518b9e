import { useState } from 'react';
import { Problem } from './forms.js';
import { useAttempt } from '../library/attempt.js';

// Photos picked from a grid to act on together: add to an album, remove from one.

export interface Selection {
  readonly selected: ReadonlySet<string>;
  readonly toggle: (id: string) => void;
  readonly clear: () => void;
}

export function useSelection(): Selection {
  const [selected, setSelected] = useState<ReadonlySet<string>>(new Set());
  return {
    selected,
    toggle: (id) => {
      setSelected((before) => {
        const after = new Set(before);
        if (!after.delete(id)) after.add(id);
        return after;
      });
    },
    clear: () => {
      setSelected(new Set());
    },
  };
}

const photosText = (n: number) => `${String(n)} photo${n === 1 ? '' : 's'}`;

/**
 * What to do with the selected photos: `act` runs on each in turn and stops at the first
 * problem, so a refusal is seen before more of the same; the ones done stay done.
 */
export function SelectionBar(props: {
  selection: Selection;
  /** The button's words for n photos, e.g. "Add 3 photos to the album". */
  verb: (photos: string) => string;
  act: (id: string) => Promise<string | undefined>;
  onDone: () => void;
}) {
  const { selected, clear } = props.selection;
  const { busy, problem, attempt } = useAttempt(props.onDone);
  if (selected.size === 0 && !problem) return null;
  const run = () =>
    attempt(async () => {
      for (const id of selected) {
        const failed = await props.act(id);
        if (failed) return failed;
        props.selection.toggle(id);
      }
      return undefined;
    });
  return (
    <div className="selection-bar" role="toolbar" aria-label="Selected photos">
      <span>{photosText(selected.size)} selected</span>
      <button type="button" disabled={busy || selected.size === 0} onClick={() => void run()}>
        {props.verb(photosText(selected.size))}
      </button>
      <button type="button" disabled={busy} onClick={clear}>
        Clear selection
      </button>
      <Problem text={problem} />
    </div>
  );
}
