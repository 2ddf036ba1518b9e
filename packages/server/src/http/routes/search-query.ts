import { z } from 'zod';
import { searchTerms } from '../../library/asset-facets.js';
import { SEARCH_KINDS, type AssetSearch } from '../../store/metadata-store.js';
import { badRequest } from '../api-error.js';

// The timeline's filters and search box as query parameters: the same on the listing
// (GET /api/v1/assets) and on the day counts (GET /api/v1/timeline), so that a narrowed
// timeline lays out and loads exactly as the whole one does.

const words = (what: string, max: number) =>
  z
    .string()
    .max(max)
    .refine((text) => searchTerms(text).length > 0, {
      message: `give at least one word (letters or digits) to look for in ${what}, or leave it out`,
    });

export const searchQuerySchema = z.object({
  kind: z
    .enum(SEARCH_KINDS)
    .optional()
    .describe('only favorites, videos, Live Photos, assets in conflict, or media errors'),
  q: words('file names, captions, keywords and cameras', 200)
    .optional()
    .describe(
      'words, each found (or the start of a word found) in a path, caption, keyword or camera',
    ),
  camera: words("the camera's make and model", 100)
    .optional()
    .describe("words found in the camera's make and model"),
  from: z.iso.date().optional().describe('taken on or after this day (where it was taken)'),
  to: z.iso.date().optional().describe('taken on or before this day (where it was taken)'),
});

/** The search the parameters describe; throws a 400 for a range that ends before it starts. */
export function searchOf({
  kind,
  q,
  camera,
  from,
  to,
}: z.output<typeof searchQuerySchema>): AssetSearch {
  if (from !== undefined && to !== undefined && from > to) {
    throw badRequest(`query.from: ${from} is after query.to (${to}); swap them`);
  }
  return {
    ...(kind !== undefined && { kind }),
    ...(q !== undefined && { text: q }),
    ...(camera !== undefined && { camera }),
    ...(from !== undefined && { from }),
    ...(to !== undefined && { to }),
  };
}
