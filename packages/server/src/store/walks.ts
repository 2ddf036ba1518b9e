import type { Asset, UserId } from '@keepsake/core';
import type { MetadataStore, StoredBlob } from './metadata-store.js';

// Whole-store walks as loops over pages: memory stays one page deep however big the library,
// and other work gets its turn between pages.

const WALK_PAGE = 1000;

export async function* eachAsset(store: MetadataStore, library: UserId): AsyncIterable<Asset> {
  for (let after = ''; ;) {
    const page = await store.assetsAfter(library, after, WALK_PAGE);
    yield* page;
    const last = page.at(-1);
    if (!last || page.length < WALK_PAGE) return;
    after = last.id;
  }
}

export async function* eachStoredBlob(store: MetadataStore): AsyncIterable<StoredBlob> {
  for (let after = ''; ;) {
    const page = await store.blobsAfter(after, WALK_PAGE);
    yield* page;
    const last = page.at(-1);
    if (!last || page.length < WALK_PAGE) return;
    after = last.hash;
  }
}
