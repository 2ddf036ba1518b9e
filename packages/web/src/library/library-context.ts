import { createContext, useContext } from 'react';
import type { LibraryPosition } from './library-head.js';
import type { WebDevice } from './web-device.js';

/** What every page of a signed-in user shares: where the library is, and this browser as a device. */
export interface Library extends LibraryPosition {
  readonly device: WebDevice;
}

export const LibraryContext = createContext<Library | undefined>(undefined);

export function useLibrary(): Library {
  const library = useContext(LibraryContext);
  if (!library) throw new Error('useLibrary outside a signed-in page');
  return library;
}
