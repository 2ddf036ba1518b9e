import { existsSync, mkdtempSync, renameSync, rmSync, writeFileSync } from 'node:fs';
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
    await keepInStep(sync, options, stop.signal);
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
    await runThenRemove(sync, stop, [folder]);
    // The first round's look came before the watch: whatever changed between is looked for.
    expect(rounds).toEqual([true, true]);
  });

  it("does not look again for the echo of the agent's own change, only for someone else's", async () => {
    const folder = mkdtempSync(join(tmpdir(), 'keepsake-keep-in-step-'));
    const outside = mkdtempSync(join(tmpdir(), 'keepsake-keep-in-step-outside-'));
    const own = new OwnChanges();
    const rounds: { lookAgain: boolean; userFileThere: boolean }[] = [];
    const stop = new AbortController();
    const sync = {
      folder,
      folders: () => [''],
      isOwnChange: (path: string) => own.take(path),
      round: ({ lookAgain }: { lookAgain: boolean }) => {
        rounds.push({ lookAgain, userFileThere: existsSync(join(folder, 'user.jpg')) });
        if (rounds.length === 2) {
          // A download put in place, as AgentFiles does it; then, later, a file of the user's.
          writeFileSync(join(outside, 'part'), 'bytes');
          own.note('placed.jpg');
          renameSync(join(outside, 'part'), join(folder, 'placed.jpg'));
          setTimeout(() => {
            writeFileSync(join(folder, 'user.jpg'), 'theirs');
          }, 300);
        }
        if (rounds.length === 3) stop.abort();
        return Promise.resolve(IDLE);
      },
    } as unknown as FolderSync;
    await runThenRemove(sync, stop, [folder, outside]);
    // The third round was the user's file's, not the placed one's.
    expect(rounds).toEqual([
      { lookAgain: true, userFileThere: false },
      { lookAgain: true, userFileThere: false },
      { lookAgain: true, userFileThere: true },
    ]);
  });
});
