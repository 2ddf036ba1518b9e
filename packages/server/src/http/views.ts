import { metaSchema, resourcesSchema } from '@keepsake/core';
import { z } from 'zod';

// What the API answers, as schemas: Fastify serialises each answer through its route's schema,
// and the OpenAPI document (/api/docs) carries them, so the web app's client types come from
// the same source as the server's answers.

export const userViewSchema = z.object({
  id: z.string(),
  name: z.string(),
  isAdmin: z.boolean(),
  quotaBytes: z.number().nullable(),
  createdAt: z.string(),
});

export const deviceViewSchema = z.object({
  id: z.string(),
  name: z.string(),
  createdAt: z.string().nullable(),
  lastSeenAt: z.string().nullable(),
  ackedSeq: z.number(),
  revokedAt: z.string().nullable(),
  status: z
    .object({
      reportedAt: z.string(),
      pendingOps: z.number(),
      lastError: z.string().nullable(),
    })
    .optional()
    .describe('what the device last reported of itself (PUT /api/v1/devices/status)'),
});

const hlcSchema = z.object({ ms: z.number(), counter: z.number(), node: z.string() });

const lifecycleSchema = z.discriminatedUnion('state', [
  z.object({ state: z.literal('live') }),
  z.object({ state: z.literal('trashed'), seq: z.number(), by: z.string(), hlc: hlcSchema }),
  z.object({ state: z.literal('purged'), seq: z.number(), by: z.string(), hlc: hlcSchema }),
  z.object({ state: z.literal('aliased'), to: z.string(), seq: z.number() }),
]);

const versionSchema = z.object({
  id: z.string(),
  resources: resourcesSchema,
  meta: metaSchema,
  device: z.string(),
  seq: z.number(),
});

/** What the server read from one resource, or that it has not read it yet. */
const mediaSchema = z.union([
  z.object({ pending: z.literal(true) }),
  z.object({
    kind: z.string(),
    fileType: z.string().optional(),
    meta: metaSchema.optional(),
    derivatives: z.array(
      z.object({ role: z.enum(['thumbnail', 'preview']), width: z.number(), height: z.number() }),
    ),
    error: z.string().optional(),
  }),
]);

export const assetViewSchema = z.object({
  id: z.string(),
  lifecycle: lifecycleSchema,
  inConflict: z.boolean(),
  versions: z.array(versionSchema),
  fields: z.object({
    favorite: z.boolean().optional(),
    hidden: z.boolean().optional(),
    caption: z.string().optional(),
    takenAtOverride: z.string().nullable().optional(),
  }),
  paths: z.array(z.string()),
  keywords: z.array(z.string()),
  media: z.record(z.string(), mediaSchema),
  purgeAfter: z
    .string()
    .optional()
    .describe("a trashed asset's: the server's retention purges it at its first run after this"),
});

/** An op's outcome (core's outcome schema, with a reject reason as the plain string it is on the wire). */
const outcomeSchema = z.discriminatedUnion('status', [
  z.object({ status: z.literal('applied'), note: z.string().optional() }),
  z.object({
    status: z.literal('merged'),
    note: z.string(),
    siblings: z.array(z.string()).readonly(),
  }),
  z.object({ status: z.literal('rejected'), reason: z.string(), message: z.string() }),
]);

/**
 * One op of an asset's history. The op is described by its envelope and its payload's kind; the
 * rest of the payload is as @keepsake/core's op schema defines it, passed through whole.
 */
export const historyEntrySchema = z.object({
  seq: z.number(),
  receivedAt: z.string(),
  op: z.looseObject({
    opId: z.string(),
    device: z.string(),
    hlc: hlcSchema,
    payload: z.looseObject({ kind: z.string() }),
  }),
  outcome: outcomeSchema,
});

/** The reply to one submitted op: its outcome at its seq, the first outcome for a retry, or "later". */
const [appliedSchema, mergedSchema, rejectedSchema] = outcomeSchema.options;
const atSeq = { seq: z.number() };
export const replySchema = z.discriminatedUnion('status', [
  appliedSchema.extend(atSeq),
  mergedSchema.extend(atSeq),
  rejectedSchema.extend(atSeq),
  z.object({ status: z.literal('duplicate'), seq: z.number(), first: outcomeSchema }),
  z.object({
    status: z.literal('retry'),
    reason: z.string(),
    message: z.string(),
    missing: z.array(z.string()).readonly().optional(),
  }),
]);

const shareRoleSchema = z.enum(['viewer', 'contributor']);

/** An album as the caller may see it: their role, and to its owner, who else may. */
export const albumViewSchema = z.object({
  id: z.string(),
  owner: z.string(),
  library: z
    .string()
    .describe('the user id of the library that holds it: pass it as `owner` to read it'),
  ownerName: z.string().describe("that library's user's name"),
  name: z.string(),
  role: z.union([z.literal('owner'), shareRoleSchema]).describe("the caller's"),
  memberCount: z.number(),
  shares: z
    .array(
      z.object({
        user: z.string(),
        name: z.string().optional().describe('absent when no user has that id'),
        role: shareRoleSchema,
      }),
    )
    .optional()
    .describe('whom it is shared with (to its owner only)'),
});

export const albumAssetViewSchema = assetViewSchema.extend({
  memberTags: z
    .array(z.string())
    .optional()
    .describe('the adds of its membership, for a removeFromAlbum op (to its owner only)'),
});

/** What the server read from one blob of the caller's: its metadata, or why there is none. */
export const blobMediaViewSchema = z.object({
  hash: z.string(),
  kind: z.string().describe('image, video or other, from the bytes (else the name)'),
  meta: metaSchema.optional(),
  error: z.string().optional().describe('why no metadata could be read, for a person'),
});
