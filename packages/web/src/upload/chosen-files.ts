import { isHidden, type ChosenName } from './library-paths.js';

// The files a user chose to upload, from a file input or a drop, each with its path inside the
// folder it came in (if it came in one). Hidden files of a folder are what the system left there
// (`.DS_Store`), not photos: they are left out.

export interface ChosenFile extends ChosenName {
  readonly file: File;
}

/** The files of a file input: chosen one by one, or a whole folder (`webkitdirectory`). */
export function chosenFromInput(files: FileList): ChosenFile[] {
  return [...files]
    .map((file) =>
      file.webkitRelativePath === ''
        ? { file, name: file.name }
        : { file, name: file.name, folderPath: file.webkitRelativePath },
    )
    .filter((chosen) => chosen.folderPath === undefined || !isHidden(chosen.folderPath));
}

/**
 * The files of a drop, folders walked to their last file. The entries are taken at once: the
 * browser empties the drop's data once the event is over. An item with no entry (a browser
 * without the entries API, or files a page put in the drop) is taken as the file it holds.
 */
export async function chosenFromDrop(items: DataTransferItemList): Promise<ChosenFile[]> {
  const dropped = [...items]
    .filter((item) => item.kind === 'file')
    .map((item) => ({ entry: item.webkitGetAsEntry(), file: item.getAsFile() }));
  const chosen: ChosenFile[] = [];
  for (const { entry, file } of dropped) {
    if (entry === null) {
      if (file) chosen.push({ file, name: file.name });
    } else if (isFile(entry)) {
      const file = await fileOf(entry);
      chosen.push({ file, name: file.name });
    } else if (isDirectory(entry)) {
      for await (const file of filesUnder(entry)) {
        const folderPath = file.fullPath.replace(/^\//, '');
        if (!isHidden(folderPath))
          chosen.push({ file: await fileOf(file), name: file.name, folderPath });
      }
    }
  }
  return chosen;
}

const isFile = (entry: FileSystemEntry): entry is FileSystemFileEntry => entry.isFile;
const isDirectory = (entry: FileSystemEntry): entry is FileSystemDirectoryEntry =>
  entry.isDirectory;

const fileOf = (entry: FileSystemFileEntry) =>
  new Promise<File>((resolve, reject) => {
    entry.file(resolve, reject);
  });

async function* filesUnder(folder: FileSystemDirectoryEntry): AsyncGenerator<FileSystemFileEntry> {
  const reader = folder.createReader();
  // A reader gives a folder's entries a batch at a time (100 in Chrome) until it gives none.
  for (;;) {
    const batch = await new Promise<FileSystemEntry[]>((resolve, reject) => {
      reader.readEntries(resolve, reject);
    });
    if (batch.length === 0) return;
    for (const entry of batch) {
      if (isFile(entry)) yield entry;
      else if (isDirectory(entry)) yield* filesUnder(entry);
    }
  }
}
