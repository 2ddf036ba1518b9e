import { memo, useEffect, useId, useMemo, useRef, useState, useSyncExternalStore } from 'react';
import { createPortal } from 'react-dom';
import { bytesText } from '../format.js';
import { useLibrary } from '../library/library-context.js';
import { chosenFromDrop, chosenFromInput, type ChosenFile } from './chosen-files.js';
import { isFinished, UploadQueue, type UploadRow } from './upload-queue.js';
import './upload.css';

/**
 * Upload from this browser: the top bar's Upload button opens a panel to choose files or a
 * folder, and files or folders dropped anywhere on the page go there too. The panel shows each
 * file's progress and outcome; hiding it lets the uploads go on.
 */
export function Uploader({ owner }: { owner: string }) {
  const { head, device } = useLibrary();
  const headNow = useRef(head);
  useEffect(() => {
    headNow.current = head;
  }, [head]);
  const queue = useMemo(
    () => new UploadQueue({ device, owner, head: () => headNow.current }),
    [device, owner],
  );
  const rows = useSyncExternalStore(queue.subscribe, queue.rows);
  const [open, setOpen] = useState(false);
  const panelId = useId();
  const upload = (chosen: readonly ChosenFile[]) => {
    setOpen(true);
    if (chosen.length > 0) queue.add(chosen);
  };
  const dragging = useDroppedFiles(upload);
  const going = rows.filter((row) => !isFinished(row.state)).length;

  return (
    <>
      <button
        type="button"
        aria-expanded={open}
        aria-controls={panelId}
        onClick={() => {
          setOpen(!open);
        }}
      >
        Upload{going > 0 && ` (${String(going)} going)`}
      </button>
      {createPortal(
        <>
          {dragging && (
            <div className="drop-hint" aria-hidden="true">
              Drop photos or folders to upload them
            </div>
          )}
          <section
            id={panelId}
            className="upload-panel"
            aria-labelledby={`${panelId}-heading`}
            hidden={!open}
          >
            <header>
              <h2 id={`${panelId}-heading`}>Upload</h2>
              <button
                type="button"
                onClick={() => {
                  setOpen(false);
                }}
              >
                Hide
              </button>
            </header>
            <p className="upload-how">
              Drop photos or folders anywhere on the page, or choose them. A photo already in your
              library is not uploaded again.
            </p>
            <div className="upload-choose">
              <FileChooser label="Choose files" onChosen={upload} />
              <FileChooser label="Choose a folder" folder onChosen={upload} />
            </div>
            <UploadList rows={rows} />
            {rows.length > going && (
              <button
                type="button"
                onClick={() => {
                  queue.clearFinished();
                }}
              >
                Clear finished
              </button>
            )}
          </section>
        </>,
        document.body,
      )}
    </>
  );
}

/** A file input that looks like a button: keyboard and screen readers reach the input itself. */
function FileChooser(props: {
  label: string;
  folder?: boolean;
  onChosen: (chosen: ChosenFile[]) => void;
}) {
  const input = useRef<HTMLInputElement>(null);
  useEffect(() => {
    // Not a React attribute: set on the element, it makes the input choose a whole folder.
    if (props.folder) input.current?.setAttribute('webkitdirectory', '');
  }, [props.folder]);
  return (
    <label className="file-chooser">
      {props.label}
      <input
        ref={input}
        type="file"
        multiple
        onChange={(event) => {
          const { files } = event.target;
          if (files) props.onChosen(chosenFromInput(files));
          event.target.value = ''; // the same files chosen again upload again
        }}
      />
    </label>
  );
}

/**
 * Rows drawn at most: a folder of 10,000 photos is told by its counts, its failures and the
 * files on the move, not by 10,000 rows.
 */
const SHOWN_ROWS = 100;

/** Failures first (they ask for something), then the files on the move, then the rest. */
const RANK: Record<UploadRow['state']['step'], number> = {
  failed: 0,
  hashing: 1,
  uploading: 1,
  importing: 1,
  waiting: 2,
  imported: 3,
  'in-library': 3,
};

/**
 * The first `count` rows in RANK's order, each rank in the queue's order: one pass, not a sort
 * of every row, as the list is drawn again while a big folder uploads.
 */
function firstByRank(rows: readonly UploadRow[], count: number): UploadRow[] {
  const byRank: UploadRow[][] = [];
  for (const row of rows) {
    const bucket = (byRank[RANK[row.state.step]] ??= []);
    if (bucket.length < count) bucket.push(row);
  }
  return byRank.flat().slice(0, count);
}

function UploadList({ rows }: { rows: readonly UploadRow[] }) {
  const finished = rows.filter((row) => isFinished(row.state));
  const count = (step: string) => finished.filter((row) => row.state.step === step).length;
  // Said once per file done, not per byte: a screen reader hears where the upload stands.
  const summary =
    rows.length === 0
      ? ''
      : finished.length < rows.length
        ? `${String(finished.length)} of ${String(rows.length)} files done`
        : `All ${String(rows.length)} files done: ${String(count('imported'))} imported, ${String(count('in-library'))} already in your library, ${String(count('failed'))} not imported`;
  const shown = rows.length <= SHOWN_ROWS ? rows : firstByRank(rows, SHOWN_ROWS);
  return (
    <>
      <p role="status" className="upload-summary">
        {summary}
      </p>
      {rows.length > 0 && finished.length < rows.length && (
        <progress
          className="upload-overall"
          max={rows.length}
          value={finished.length}
          aria-label="Files done"
        />
      )}
      {rows.length > 0 && (
        <ul className="upload-rows" aria-label="Files">
          {shown.map((row) => (
            <UploadItem key={row.id} row={row} />
          ))}
        </ul>
      )}
      {shown.length < rows.length && (
        <p className="upload-more">
          Showing {shown.length} of {rows.length.toLocaleString()} files: failures first, then those
          on the move.
        </p>
      )}
    </>
  );
}

/** Drawn again only when its own row changes, not when another file moves on. */
const UploadItem = memo(function UploadItem({ row }: { row: UploadRow }) {
  const slash = row.path.lastIndexOf('/');
  const name = row.path.slice(slash + 1);
  const { state } = row;
  const moving = state.step === 'hashing' || state.step === 'uploading' ? state : undefined;
  return (
    <li className={`upload-row ${state.step}`}>
      <span className="upload-name">{name}</span>
      <span className="upload-where">{row.path.slice(0, slash + 1)}</span>
      <span className="upload-state">
        {describe(row)}
        {moving && ` ${bytesText(moving.doneBytes)} of ${bytesText(row.size)}`}
      </span>
      {moving && (
        <progress
          max={Math.max(1, row.size)}
          value={moving.doneBytes}
          aria-label={`${moving.step === 'hashing' ? 'Checking' : 'Uploading'} ${name}`}
        />
      )}
    </li>
  );
});

function describe({ state, warning }: UploadRow): string {
  switch (state.step) {
    case 'waiting':
      return 'Waiting';
    case 'hashing':
      return 'Checking';
    case 'uploading':
      return 'Uploading';
    case 'importing':
      return 'Importing';
    case 'imported':
      return warning ? `Imported, but ${warning}` : 'Imported';
    case 'in-library':
      return 'Already in your library';
    case 'failed':
      return `Not imported: ${state.reason}`;
  }
}

/**
 * Files and folders dropped anywhere on the page go to `onDrop`; answers whether some are being
 * dragged over it now.
 */
function useDroppedFiles(onDrop: (chosen: ChosenFile[]) => void): boolean {
  const [dragging, setDragging] = useState(false);
  const latest = useRef(onDrop);
  useEffect(() => {
    latest.current = onDrop;
  });
  useEffect(() => {
    const carriesFiles = (event: DragEvent) => event.dataTransfer?.types.includes('Files') ?? false;
    const over = (event: DragEvent) => {
      if (!carriesFiles(event)) return;
      event.preventDefault(); // without it the browser opens the file instead
      setDragging(true);
    };
    const leave = (event: DragEvent) => {
      if (event.relatedTarget === null) setDragging(false); // left the window
    };
    const drop = (event: DragEvent) => {
      if (!carriesFiles(event) || !event.dataTransfer) return;
      event.preventDefault();
      setDragging(false);
      void chosenFromDrop(event.dataTransfer.items).then((chosen) => {
        latest.current(chosen);
      });
    };
    window.addEventListener('dragover', over);
    window.addEventListener('dragleave', leave);
    window.addEventListener('drop', drop);
    return () => {
      window.removeEventListener('dragover', over);
      window.removeEventListener('dragleave', leave);
      window.removeEventListener('drop', drop);
    };
  }, []);
  return dragging;
}
