import type { BlobHash, LogEntry, Op, Reply, RetryLater } from '@keepsake/core';

// The simulated wire: the shapes of DESIGN §5's requests, minus HTTP.

export type Request =
  | { readonly type: 'push'; readonly ops: readonly Op[] }
  | { readonly type: 'uploadOffset'; readonly hash: BlobHash }
  | {
      readonly type: 'uploadChunk';
      readonly hash: BlobHash;
      readonly size: number;
      readonly offset: number;
      readonly data: string;
    }
  | { readonly type: 'pull'; readonly since: number; readonly limit: number }
  | { readonly type: 'download'; readonly hash: BlobHash };

export type Response =
  | {
      readonly type: 'push';
      readonly results: readonly (Reply | RetryLater)[];
      readonly serverTime: number;
    }
  | { readonly type: 'uploadOffset'; readonly offset: number; readonly complete: boolean }
  | {
      readonly type: 'pull';
      readonly entries: readonly LogEntry[];
      readonly head: number;
      readonly serverTime: number;
    }
  | { readonly type: 'download'; readonly content: string | undefined };
