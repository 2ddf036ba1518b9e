import { existsSync } from 'node:fs';
import { FolderBlobStore } from '../blobs/folder-blob-store.js';
import { dataPaths } from '../start-server.js';
import { SqliteMetadataStore } from '../store/sqlite/sqlite-metadata-store.js';

/** The embedded stores of a data directory, for maintenance commands; undefined if there is none. */
export function openDataDir(dataDir: string) {
  const paths = dataPaths(dataDir);
  if (!existsSync(paths.database)) return undefined;
  return {
    paths,
    store: new SqliteMetadataStore(paths.database),
    blobs: new FolderBlobStore(paths.blobs),
  };
}
