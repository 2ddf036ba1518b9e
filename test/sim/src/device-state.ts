import {
  createLibrary,
  type BlobHash,
  type Hlc,
  type MemoryLibrary,
  type LocalIndex,
  type Op,
} from '@keepsake/core';

/** What survives a crash: the user's folder and what the agent wrote to `.keepsake/`. */
export interface Durable {
  index: LocalIndex;
  outbox: Op[];
  /** Bytes of every blob a pending op needs, kept until the server has them. */
  staged: Map<BlobHash, string>;
  replica: MemoryLibrary;
  bootstrapped: boolean;
  clockOffsetMs: number;
  lastStamp: Hlc | undefined;
  installation: number;
  opCounter: number;
}

/** A device's state on first install, or after a re-install wiped `.keepsake/`. */
export function freshDurable(installation: number): Durable {
  return {
    index: new Map(),
    outbox: [],
    staged: new Map(),
    replica: createLibrary(),
    bootstrapped: false,
    clockOffsetMs: 0,
    lastStamp: undefined,
    installation,
    opCounter: 0,
  };
}
