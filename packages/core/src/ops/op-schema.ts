import { z } from 'zod';
import type { AlbumId, DeviceId, OpId, UserId, VersionId } from '../model/ids.js';
import { labelProblem } from '../model/label.js';
import { checkLibraryPath } from '../model/library-path.js';
import type { LogEntry, Outcome, RejectReason } from './outcome.js';
import { MAX_OPS_PER_BATCH } from './batch-limit.js';
import {
  assetIdSchema,
  branded,
  dateTimeSchema,
  metaSchema,
  resourcesSchema,
} from '../model/media-schema.js';

// The wire format of ops, validated at runtime at every edge (server, agent, web) from this
// one module; the TypeScript types are inferred from it so the two cannot drift apart.

const token = z
  .string()
  .min(8, 'must be at least 8 characters')
  .max(64, 'must be at most 64 characters')
  .regex(/^[0-9A-Za-z_-]+$/, 'may contain only letters, digits, "_" and "-"');

const assetId = assetIdSchema;
const opId = branded<OpId>(token);
const versionId = branded<VersionId>(token);
const deviceId = branded<DeviceId>(token);
const albumId = branded<AlbumId>(token);
const userId = branded<UserId>(token);

export const libraryPathSchema = z.string().transform((raw, ctx) => {
  const check = checkLibraryPath(raw);
  if (check.ok) return check.path;
  ctx.addIssue({ code: 'custom', message: `path ${check.problem}` });
  return z.NEVER;
});

const hlcSchema = z.object({
  ms: z.number().int().nonnegative(),
  counter: z.number().int().nonnegative().max(0xffff_ffff),
  node: deviceId,
});

const MAX_CONTEXT = 1024;
const versionContext = z.array(versionId).max(MAX_CONTEXT);
const tagContext = z.array(opId).max(MAX_CONTEXT);

const targetsAsset = { assetId };

/** What each LWW field holds: a value of another type is refused, naming what it takes. */
const FIELD_VALUES = {
  favorite: { schema: z.boolean(), takes: 'true or false' },
  hidden: { schema: z.boolean(), takes: 'true or false' },
  caption: { schema: z.string().max(4096), takes: 'a string of at most 4096 characters' },
  takenAtOverride: {
    schema: dateTimeSchema.nullable(),
    takes: 'an ISO 8601 date-time, or null to clear it',
  },
} as const;
const FIELDS = Object.keys(FIELD_VALUES) as [
  keyof typeof FIELD_VALUES,
  ...(keyof typeof FIELD_VALUES)[],
];

const payloads = [
  z.object({
    kind: z.literal('import'),
    ...targetsAsset,
    resources: resourcesSchema,
    meta: metaSchema,
    path: libraryPathSchema,
  }),
  z.object({
    kind: z.literal('edit'),
    ...targetsAsset,
    resources: resourcesSchema,
    meta: metaSchema,
    /** The versions this edit was based on: it replaces exactly these. */
    context: versionContext,
  }),
  z.object({
    kind: z.literal('resolve'),
    ...targetsAsset,
    context: versionContext,
    keep: z.array(versionId).min(1).max(MAX_CONTEXT),
  }),
  z.object({ kind: z.literal('trash'), ...targetsAsset, context: versionContext }),
  z.object({ kind: z.literal('restore'), ...targetsAsset }),
  z.object({ kind: z.literal('purge'), ...targetsAsset, context: versionContext }),
  z.object({ kind: z.literal('place'), ...targetsAsset, path: libraryPathSchema }),
  z.object({
    kind: z.literal('move'),
    ...targetsAsset,
    from: libraryPathSchema,
    /** The placement tags of `from` the sender had seen. */
    fromTags: tagContext,
    /** null removes the placement without a new one. */
    to: libraryPathSchema.nullable(),
    /** The versions the sender had seen: removing the last placement trashes only over these. */
    context: versionContext.default([]),
  }),
  z.object({
    kind: z.literal('setField'),
    ...targetsAsset,
    field: z.enum(FIELDS),
    value: z.union([z.boolean(), z.string().max(4096), z.null()]),
  }),
  z.object({ kind: z.literal('addKeyword'), ...targetsAsset, keyword: z.string().min(1).max(256) }),
  z.object({
    kind: z.literal('removeKeyword'),
    ...targetsAsset,
    keyword: z.string().min(1).max(256),
    tags: tagContext,
  }),
  z.object({
    kind: z.literal('createAlbum'),
    albumId,
    owner: userId,
    name: z.string().min(1).max(512),
  }),
  z.object({ kind: z.literal('renameAlbum'), albumId, name: z.string().min(1).max(512) }),
  z.object({ kind: z.literal('addToAlbum'), albumId, assetId }),
  z.object({ kind: z.literal('removeFromAlbum'), albumId, assetId, tags: tagContext }),
  z.object({
    kind: z.literal('shareAlbum'),
    albumId,
    user: userId,
    role: z.enum(['viewer', 'contributor']).nullable(),
  }),
] as const;

/**
 * An op's shape, as the server logs it and the change feed carries it. A device reading the
 * feed checks this much and no more: a rule tightened since an op was logged must not make the
 * log unreadable.
 */
export const loggedOpSchema = z.object({
  opId,
  device: deviceId,
  hlc: hlcSchema,
  /** The highest change-log seq the sender had applied when it made the op. */
  knownSeq: z.number().int().nonnegative(),
  payload: z.discriminatedUnion('kind', payloads),
});

/** The name an op gives to something people see listed, and where in the payload it is. */
function labelOf(payload: z.output<typeof loggedOpSchema>['payload']) {
  switch (payload.kind) {
    case 'createAlbum':
    case 'renameAlbum':
      return { field: 'name', label: payload.name };
    case 'addKeyword':
      return { field: 'keyword', label: payload.keyword };
    default:
      return undefined;
  }
}

/**
 * An op as a device submits it: its shape, each field set to a value the field takes, and each
 * name it gives readable in a list.
 */
export const opSchema = loggedOpSchema.superRefine(({ payload }, ctx) => {
  const named = labelOf(payload);
  const problem = named && labelProblem(named.label);
  if (named && problem) {
    ctx.addIssue({ code: 'custom', path: ['payload', named.field], message: problem });
  }
  if (payload.kind !== 'setField') return;
  const { schema, takes } = FIELD_VALUES[payload.field];
  if (!schema.safeParse(payload.value).success) {
    ctx.addIssue({
      code: 'custom',
      path: ['payload', 'value'],
      message: `${payload.field} takes ${takes}`,
    });
  }
});

export type Op = z.output<typeof opSchema>;
export type OpInput = z.input<typeof opSchema>;
export type OpPayload = Op['payload'];
export type OpKind = OpPayload['kind'];
export type PayloadOf<K extends OpKind> = Extract<OpPayload, { kind: K }>;
export type OpOf<K extends OpKind> = Op & { payload: PayloadOf<K> };

/**
 * An outcome as the change feed carries it. A reject reason this code does not know (a newer
 * server's) is kept as given: a replica compares only the status with its own.
 */
export const outcomeSchema = z.discriminatedUnion('status', [
  z.object({ status: z.literal('applied'), note: z.string().exactOptional() }),
  z.object({ status: z.literal('merged'), note: z.string(), siblings: z.array(versionId) }),
  z.object({
    status: z.literal('rejected'),
    reason: z.string().transform((reason) => reason as RejectReason),
    message: z.string(),
  }),
]) satisfies z.ZodType<Outcome>;

/** One entry of a library's change log as the feed carries it. */
export const logEntrySchema = z.object({
  seq: z.number().int().positive(),
  op: loggedOpSchema,
  outcome: outcomeSchema,
}) satisfies z.ZodType<LogEntry>;

export const opBatchSchema = z.array(opSchema).max(MAX_OPS_PER_BATCH);

export type OpParse = { ok: true; op: Op } | { ok: false; errors: string[] };

/** Validates one op from outside; each error names the field and what is wrong with it. */
export function parseOp(input: unknown): OpParse {
  const result = opSchema.safeParse(input);
  if (result.success) return { ok: true, op: result.data };
  return {
    ok: false,
    errors: result.error.issues.map((issue) => {
      const field = issue.path.length > 0 ? issue.path.join('.') : '(op)';
      return `${field}: ${issue.message}`;
    }),
  };
}
