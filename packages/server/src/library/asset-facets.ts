import { blobHashesOf, isVideoExt, type Asset, type BlobHash } from '@keepsake/core';

// What the timeline's filters and its search box look at, taken from an asset's state when it is
// written: the store keeps these in columns and a text index, so that a filtered page is an
// index walk, not a decode of every asset of the library.

/** A photo, a video, or a Live Photo (a still with its video). */
export type AssetKind = 'photo' | 'video' | 'live';

/** The text search finds an asset by, one field per searchable column. */
export interface SearchText {
  /** Every path it sits at, folders included: a file is found by its name or its folder's. */
  readonly names: string;
  readonly caption: string;
  readonly keywords: string;
  readonly camera: string;
}

/** What the filters look at: kept in columns as each write makes it. */
export interface AssetFilters {
  readonly favorite: boolean;
  readonly kind: AssetKind;
}

/** The asset's filter values, from its current version and fields. */
export function assetFilters(asset: Asset): AssetFilters {
  const resources = asset.versions[0]?.resources;
  const kind: AssetKind = resources?.live
    ? 'live'
    : resources && isVideoExt(resources.original.ext)
      ? 'video'
      : 'photo';
  return { favorite: asset.fields.favorite?.value === true, kind };
}

/** The words search finds the asset by, from its placements, fields and current version. */
export function assetText(asset: Asset): SearchText {
  return {
    names: [...asset.paths.keys()].join('\n'),
    caption: asset.fields.caption?.value ?? '',
    keywords: [...asset.keywords.keys()].join('\n'),
    camera: asset.versions[0]?.meta.camera ?? '',
  };
}

/** The blobs whose media decides whether the asset shows a media error: its current version's. */
export const currentBlobs = (asset: Asset): BlobHash[] => {
  const current = asset.versions[0];
  return current ? blobHashesOf(current.resources) : [];
};

/**
 * The words a search looks for: what the user typed, cut at every character that is not a
 * letter or digit, as the text index cuts what it holds ('IMG_0042' is 'IMG' and '0042').
 * Punctuation alone finds nothing: a search with no words is no search.
 */
export const searchTerms = (text: string): string[] =>
  text.split(/[^\p{L}\p{N}]+/u).filter(Boolean);
