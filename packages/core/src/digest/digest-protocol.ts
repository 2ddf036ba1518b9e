// The wire format of `GET digest` (DESIGN §5): plain JSON objects, validated by these schemas
// on both ends, because the server answers untrusted requests and the client should not trust
// a confused server either. Limits keep every request and response small and bounded.
import { z } from 'zod';

export const DIGEST_PROTOCOL_VERSION = 1;
/** Most prefixes one request may ask about (one round trip). */
export const MAX_PREFIXES_PER_REQUEST = 1024;
/** Largest `leafMax` a request may ask for: caps a response at ~1024 × 32 leaves (~3 MB). */
export const MAX_LEAF_MAX = 32;
/**
 * A prefix with at most this many entries is answered with its leaves. Small, because a
 * listed leaf costs ~90 bytes and a level of 16 child hashes ~300: descending is cheaper.
 */
export const DEFAULT_LEAF_MAX = 8;
/**
 * Hex chars of a child's or a leaf's hash on the wire. 64 bits: a difference hides behind an
 * equal short hash with odds of 2^-64 per comparison; the node's full hash is also checked.
 */
export const SHORT_HASH_HEX_LENGTH = 16;
/** Hex chars of a node's own hash: the full 128-bit fingerprint. */
export const NODE_HASH_HEX_LENGTH = 32;

const hexPrefix = z.string().regex(/^[0-9a-f]{0,64}$/, 'a lowercase hex prefix of an asset id');
const assetId = z.string().regex(/^[0-9a-f]{64}$/, 'an asset id (64 lowercase hex chars)');
const shortHash = z.string().regex(/^[0-9a-f]{16}$/, 'a 64-bit hash (16 lowercase hex chars)');
const nodeHash = z.string().regex(/^[0-9a-f]{32}$/, 'a 128-bit hash (32 lowercase hex chars)');

export const digestRequestSchema = z.object({
  v: z.literal(DIGEST_PROTOCOL_VERSION),
  /** Id prefixes (hex digits) to describe; '' is the whole library. */
  prefixes: z.array(hexPrefix).min(1).max(MAX_PREFIXES_PER_REQUEST),
  /** Describe a prefix by its leaves when it holds at most this many assets. */
  leafMax: z.int().min(1).max(MAX_LEAF_MAX).optional(),
});

const nodeFields = {
  prefix: hexPrefix,
  /** Assets whose id starts with `prefix`. */
  count: z.int().min(0),
  /** XOR of the 128-bit leaf hashes of those assets. */
  hash: nodeHash,
};

/** A prefix with more than `leafMax` assets: the short hash of each of its 16 children. */
const childrenNodeSchema = z.object({
  ...nodeFields,
  /** By next hex digit 0..f: '' if the child is empty, else its hash truncated to 64 bits. */
  children: z.array(z.union([z.literal(''), shortHash])).length(16),
});

/** A prefix with at most `leafMax` assets: each one's id and short leaf hash, sorted by id. */
const leavesNodeSchema = z.object({
  ...nodeFields,
  leaves: z.array(z.tuple([assetId, shortHash])).max(MAX_LEAF_MAX),
});

export const digestNodeSchema = z.union([childrenNodeSchema, leavesNodeSchema]);

export const digestResponseSchema = z.object({
  v: z.literal(DIGEST_PROTOCOL_VERSION),
  /** One node per requested prefix, in request order. */
  nodes: z.array(digestNodeSchema).max(MAX_PREFIXES_PER_REQUEST),
});

export type DigestRequest = z.infer<typeof digestRequestSchema>;
export type DigestNode = z.infer<typeof digestNodeSchema>;
export type DigestResponse = z.infer<typeof digestResponseSchema>;
