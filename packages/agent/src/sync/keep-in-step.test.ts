import { mkdtempSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { FolderSync, RoundReport } from './folder-sync.js';
import { keepInStep } from './keep-in-step.js';
import { OwnChanges } from './own-changes.js';

const IDLE: RoundReport = {
  opsMade: 0,
  uploaded: 0,
  opsSent: 0,
  entriesPulled: 0,
  written: 0,
  removed: 0,
  waiting: [],
  unsyncable: [],
  errors: [],
};

/** Runs the loop until `stop` aborts (no poll or rescan meanwhile), then removes `dirs`. */
async function runThenRemove(sync: FolderSync, stop: AbortController, dirs: readonly string[]) {
  const options = { pollMs: 600_000, rescanMs: 600_000, push: false };
  try {
    return await keepInStep(sync, options, stop.signal);
  } finally {
    for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
  }
}

describe('keepInStep', () => {
  // A stand-in for FolderSync: the race it shows (a file the user deletes after a round's look
  // but before the folder is watched) cannot be timed with a real agent, so the loop is driven
  // by hand and the question is only what it asks for next.
  it('looks again at once when it begins watching a folder, not at the next poll', async () => {
    const folder = mkdtempSync(join(tmpdir(), 'keepsake-keep-in-step-'));
    const rounds: boolean[] = [];
    const stop = new AbortController();
    const sync = {
      folder,
      folders: () => [''],
      round: ({ lookAgain }: { lookAgain: boolean }) => {
        rounds.push(lookAgain);
        if (rounds.length === 2) stop.abort();
        return Promise.resolve(IDLE);
      },
    } as unknown as FolderSync;
    expect(await runThenRemove(sync, stop, [folder])).toEqual({ cutShort: false });
    // The first round's look came before the watch: whatever changed between is looked for.
    expect(rounds).toEqual([true, true]);
  });

  it('stops at once when told to, without waiting for the round under way', async () => {
    const folder = mkdtempSync(join(tmpdir(), 'keepsake-keep-in-step-'));
    const stop = new AbortController();
    const sync = {
      folder,
      folders: () => [''],
      // A round that does not end while the test lasts: a big upload on a slow link.
      round: () => {
        setTimeout(() => {
          stop.abort();
        }, 50);
        return new Promise<RoundReport>(() => undefined);
      },
    } as unknown as FolderSync;
    const running = keepInStep(
      sync,
      { pollMs: 600_000, rescanMs: 600_000, push: false },
      stop.signal,
    );
    const later = new Promise((resolve) => setTimeout(resolve, 2000, 'still running'));
    try {
      expect(await Promise.race([running, later])).toEqual({ cutShort: true });
    } finally {
      rmSync(folder, { recursive: true, force: true });
    }
  });

  /**
   * The loop over a real watcher: its second round puts `placed.jpg` in place as AgentFiles does
   * (noted as the agent's own), and 300 ms later the user writes `userPath`. Answers the rounds.
   */
  async function placeThenUserWrites(userPath: string) {
    const folder = mkdtempSync(join(tmpdir(), 'keepsake-keep-in-step-'));
    const outside = mkdtempSync(join(tmpdir(), 'keepsake-keep-in-step-outside-'));
    const own = new OwnChanges();
    const rounds: { lookAgain: boolean; userWrote: boolean }[] = [];
    let userWrote = false;
    const stop = new AbortController();
    const sync = {
      folder,
      folders: () => [''],
      isOwnChange: (path: string) => own.take(path),
      round: ({ lookAgain }: { lookAgain: boolean }) => {
        rounds.push({ lookAgain, userWrote });
        if (rounds.length === 2) {
          writeFileSync(join(outside, 'part'), 'bytes');
          own.note('placed.jpg');
          renameSync(join(outside, 'part'), join(folder, 'placed.jpg'));
          setTimeout(() => {
            writeFileSync(join(folder, userPath), 'theirs');
            userWrote = true;
          }, 300);
        }
        if (rounds.length === 3) stop.abort();
        return Promise.resolve(IDLE);
      },
    } as unknown as FolderSync;
    await runThenRemove(sync, stop, [folder, outside]);
    return rounds;
  }

  it("does not look again for the echo of the agent's own change, only for someone else's", async () => {
    // The third round was the user's file's, not the placed one's.
    expect(await placeThenUserWrites('user.jpg')).toEqual([
      { lookAgain: true, userWrote: false },
      { lookAgain: true, userWrote: false },
      { lookAgain: true, userWrote: true },
    ]);
  });

  it('looks again when the user changes the very file the agent just placed', async () => {
    // Only the placement's own event is its echo: the user's edit of it is news (DESIGN §4: a
    // user's change is never lost, so it must not go unseen).
    expect(await placeThenUserWrites('placed.jpg')).toEqual([
      { lookAgain: true, userWrote: false },
      { lookAgain: true, userWrote: false },
      { lookAgain: true, userWrote: true },
    ]);
  });
});
