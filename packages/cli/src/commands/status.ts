import type { FolderStatus } from '@keepsake/agent';
import { formatBytes, formatAgo } from '../format.js';
import { chosenFolders, requireDevice, withFolder, parseWithJson } from './device-folders.js';

export const HELP = `Usage: keepsake status [<folder>] [--json]

What is pending in each folder this device syncs (or in <folder>): changes not yet sent,
files to upload and to download (count and bytes), conflicts, when it was last in step, and
what went wrong in the last round. Reads this device's state only: it works offline.

Options:
  --json       one JSON object per folder
  -h, --help   this text`;

export async function run(args: string[]): Promise<void> {
  const { json: asJson, positionals } = parseWithJson(args);
  const device = await requireDevice();
  for (const folder of await chosenFolders(positionals[0])) {
    const status = await withFolder(folder, device, (sync) => sync.status());
    console.log(asJson ? JSON.stringify(status) : describe(status));
  }
}

function describe(s: FolderStatus): string {
  const lines = [s.folder];
  lines.push(`  last in step: ${lastInStep(s)}`);
  lines.push(`  to upload:    ${String(s.uploads.files)} file(s), ${formatBytes(s.uploads.bytes)}`);
  lines.push(`  to send:      ${String(s.pendingOps)} change(s)`);
  lines.push(
    `  to download:  ${String(s.downloads.files)} file(s), ${formatBytes(s.downloads.bytes)}`,
  );
  lines.push(
    `  conflicts:    ${String(s.conflicts)}${s.conflicts > 0 ? ' (keepsake conflicts lists them)' : ''}`,
  );
  for (const error of s.lastRound?.errors ?? []) lines.push(`  error:        ${error}`);
  for (const wait of s.lastRound?.waiting ?? []) lines.push(`  waiting:      ${wait}`);
  return lines.join('\n');
}

/** When the folder was last in step, and whether nothing waits here now. */
function lastInStep(s: FolderStatus): string {
  if (s.lastInStepAt === null) return 'never: no sync round has ended in step yet';
  const nothingWaits =
    s.pendingOps + s.uploads.files + s.downloads.files === 0 &&
    (s.lastRound?.errors.length ?? 0) === 0;
  return `${formatAgo(s.lastInStepAt)}${nothingWaits ? ' (in step)' : ''}`;
}
