import { z } from 'zod';
import type { AssetId, BlobHash } from './ids.js';

// Resources and media metadata as they travel and as they are stored: one schema, one type.

/**
 * A string schema whose output is typed as a branded id. The brand is a type only: a
 * `.transform` to apply it would run for every id of every op, and validation of op batches is
 * on the server's hot path.
 */
export const branded = <B extends string>(schema: z.ZodString): z.ZodType<B, string> =>
  schema as unknown as z.ZodType<B, string>;

/** A capture time: ISO 8601, with or without its zone (cameras often record none). */
export const dateTimeSchema = z.iso.datetime({ offset: true, local: true });

/** A SHA-256 in lowercase hex: how blobs and assets are named everywhere. */
export const SHA256_HEX = /^[0-9a-f]{64}$/;

export const sha256 = z
  .string()
  .regex(SHA256_HEX, 'must be a SHA-256 in lowercase hex (64 characters)');
export const blobHashSchema = branded<BlobHash>(sha256);
export const assetIdSchema = branded<AssetId>(sha256);

export const resourceSchema = z.object({
  hash: blobHashSchema,
  size: z.number().int().nonnegative(),
  ext: z.string().regex(/^[0-9A-Za-z]{1,10}$/, 'must be 1–10 letters or digits, without the dot'),
});

export const resourcesSchema = z.object({
  original: resourceSchema,
  live: resourceSchema.optional(),
  raw: resourceSchema.optional(),
  render: resourceSchema.optional(),
  sidecar: resourceSchema.optional(),
});

export const metaSchema = z.object({
  takenAt: dateTimeSchema.optional(),
  contentId: z.string().max(128).optional(),
  width: z.number().int().positive().optional(),
  height: z.number().int().positive().optional(),
  orientation: z.number().int().min(1).max(8).optional(),
  durationMs: z.number().nonnegative().optional(),
  camera: z.string().max(256).optional(),
  gps: z
    .object({
      lat: z.number().min(-90).max(90),
      lon: z.number().min(-180).max(180),
      alt: z.number().optional(),
    })
    .optional(),
});

export type Resource = z.output<typeof resourceSchema>;
export type Resources = z.output<typeof resourcesSchema>;
export type MediaMeta = z.output<typeof metaSchema>;
