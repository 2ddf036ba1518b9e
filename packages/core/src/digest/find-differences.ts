// The client side of `GET digest`: walks the remote digest breadth-first, one hex digit per
// round trip, asking only about prefixes whose hashes differ from the local digest. Equal
// libraries take one exchange; d differences among n assets take about log16(n / leafMax) + 1
// exchanges and O(d · log n) bytes, all the prefixes of one level batched into one request.
import {
  DEFAULT_LEAF_MAX,
  DIGEST_PROTOCOL_VERSION,
  MAX_LEAF_MAX,
  MAX_PREFIXES_PER_REQUEST,
  digestResponseSchema,
  type DigestNode,
  type DigestRequest,
  type DigestResponse,
} from './digest-protocol.js';
import { DigestError } from './digest-error.js';
import { HASH_HEX_LENGTH, hexDigit } from './hex.js';
import type { LibraryDigest } from './library-digest.js';

/**
 * One round trip to the other replica's `LibraryDigest.answer`, e.g. over HTTP. The answer is
 * `unknown` because it is checked here against `digestResponseSchema` and the request.
 */
export type DigestRemote = (request: DigestRequest) => Promise<unknown>;

export interface FindDifferencesOptions {
  /** Ask for a prefix's leaves once it holds at most this many assets (1..32). */
  readonly leafMax?: number;
  /** Prefixes per request (1..1024); a level with more takes several exchanges. */
  readonly maxPrefixesPerRequest?: number;
}

export interface DigestDifferences {
  /** Ids present on one side only, or on both with different state hashes; sorted. */
  readonly differing: string[];
  /** Round trips made. */
  readonly exchanges: number;
  /** Size of the requests and responses as JSON (ASCII, so characters = bytes). */
  readonly bytes: number;
}

/**
 * Finds every asset on which `local` and the replica behind `remote` disagree. Neither side
 * should change during the walk: the answer would then describe a mix of two moments, and only
 * a later run would tell.
 */
export async function findDifferences(
  local: LibraryDigest,
  remote: DigestRemote,
  {
    leafMax = DEFAULT_LEAF_MAX,
    maxPrefixesPerRequest = MAX_PREFIXES_PER_REQUEST,
  }: FindDifferencesOptions = {},
): Promise<DigestDifferences> {
  assertWithin('leafMax', leafMax, MAX_LEAF_MAX);
  assertWithin('maxPrefixesPerRequest', maxPrefixesPerRequest, MAX_PREFIXES_PER_REQUEST);
  const differing = new Set<string>();
  let exchanges = 0;
  let bytes = 0;
  // Every level is one hex digit deeper, so the walk ends after at most 65 levels.
  for (let level = ['']; level.length > 0;) {
    const nextLevel: string[] = [];
    for (let start = 0; start < level.length; start += maxPrefixesPerRequest) {
      const prefixes = level.slice(start, start + maxPrefixesPerRequest);
      const request: DigestRequest = { v: DIGEST_PROTOCOL_VERSION, prefixes, leafMax };
      const raw = await remote(request);
      exchanges++;
      const response = checkResponse(request, leafMax, raw);
      bytes += JSON.stringify(request).length + JSON.stringify(raw).length;
      for (const node of response.nodes) compareNode(local, node, differing, nextLevel);
    }
    level = nextLevel;
  }
  return { differing: [...differing].sort(), exchanges, bytes };
}

function compareNode(
  local: LibraryDigest,
  node: DigestNode,
  differing: Set<string>,
  nextLevel: string[],
): void {
  const mine = local.summary(node.prefix);
  if (mine.count === node.count && mine.hash === node.hash) return;
  if ('leaves' in node) compareLeaves(local, node.prefix, node.leaves, differing);
  else compareChildren(local, node.prefix, node.children, differing, nextLevel);
}

function compareLeaves(
  local: LibraryDigest,
  prefix: string,
  theirs: readonly (readonly [string, string])[],
  differing: Set<string>,
): void {
  const theirHashes = new Map(theirs);
  const mine = local.leaves(prefix);
  const before = differing.size;
  for (const [id, hash] of mine) {
    if (theirHashes.get(id) !== hash) differing.add(id);
    theirHashes.delete(id);
  }
  for (const id of theirHashes.keys()) differing.add(id);
  // The full hashes differ but the short ones hide it (odds 2^-64, or a broken remote):
  // report the whole prefix rather than miss a difference.
  if (differing.size === before) {
    for (const [id] of [...mine, ...theirs]) differing.add(id);
  }
}

function compareChildren(
  local: LibraryDigest,
  prefix: string,
  theirs: readonly string[],
  differing: Set<string>,
  nextLevel: string[],
): void {
  const mine = local.childHashes(prefix);
  const digits = [...theirs.keys()];
  const changed = digits.filter((digit) => mine[digit] !== theirs[digit]);
  // The node differs yet no short child hash does (odds 2^-64): look into every child.
  const toVisit = changed.length > 0 ? changed : digits.filter((digit) => theirs[digit] !== '');
  for (const digit of toVisit) {
    const child = prefix + hexDigit(digit);
    // An empty remote child needs no round trip: everything we have under it differs.
    if (theirs[digit] === '') for (const [id] of local.leaves(child)) differing.add(id);
    else nextLevel.push(child);
  }
}

/** Validates a response against the schema and against the request it answers. */
function checkResponse(request: DigestRequest, leafMax: number, raw: unknown): DigestResponse {
  const parsed = digestResponseSchema.safeParse(raw);
  if (!parsed.success) violation(`malformed digest response: ${parsed.error.message}`);
  const { nodes } = parsed.data;
  if (nodes.length !== request.prefixes.length) {
    violation(`asked about ${request.prefixes.length} prefixes, got ${nodes.length} answers`);
  }
  nodes.forEach((node, i) => {
    if (node.prefix !== request.prefixes[i]) violation(`answer ${i} is for the wrong prefix`);
    checkNode(node, leafMax);
  });
  return parsed.data;
}

function checkNode(node: DigestNode, leafMax: number): void {
  const { prefix, count } = node;
  if ('children' in node) {
    if (count <= leafMax || prefix.length >= HASH_HEX_LENGTH) {
      violation(`prefix '${prefix}' holds ${count} assets but was answered with children`);
    }
    return;
  }
  if (count > leafMax || node.leaves.length !== count) {
    violation(`prefix '${prefix}' claims ${count} assets but lists ${node.leaves.length}`);
  }
  const ids = new Set(node.leaves.map(([id]) => id));
  if (ids.size !== count || [...ids].some((id) => !id.startsWith(prefix))) {
    violation(`prefix '${prefix}' lists duplicate ids or ids outside the prefix`);
  }
}

function assertWithin(name: string, value: number, max: number): void {
  if (!Number.isInteger(value) || value < 1 || value > max) {
    throw new RangeError(`findDifferences: ${name} must be an integer in 1..${max}, got ${value}`);
  }
}

function violation(message: string): never {
  throw new DigestError('protocol-violation', message);
}
