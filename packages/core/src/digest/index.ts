export {
  DEFAULT_LEAF_MAX,
  DIGEST_PROTOCOL_VERSION,
  MAX_LEAF_MAX,
  MAX_PREFIXES_PER_REQUEST,
  digestNodeSchema,
  digestRequestSchema,
  digestResponseSchema,
  type DigestNode,
  type DigestRequest,
  type DigestResponse,
} from './digest-protocol.js';
export { DigestError, type DigestErrorKind } from './digest-error.js';
export {
  findDifferences,
  type DigestDifferences,
  type DigestRemote,
  type FindDifferencesOptions,
} from './find-differences.js';
export { LibraryDigest, type DigestLeaf, type PrefixSummary } from './library-digest.js';
