import { existsSync } from 'node:fs';
import type { Explanation } from '@keepsake/agent';
import { CliError } from '../cli-error.js';
import {
  chosenFolders,
  folderHolding,
  requireDevice,
  withFolder,
  parseWithJson,
} from './device-folders.js';

export const HELP = `Usage: keepsake why <path|asset-id> [--json]

Explains one photo: what this device holds and last synced, what the server holds, the
asset's history (every change, by which device, when, with what outcome), and in one
sentence what keeps it from being in step, if anything.

<path> is a file in a synced folder; an asset id may be given by its first characters.

Options:
  --json       the whole explanation as JSON
  -h, --help   this text`;

export async function run(args: string[]): Promise<void> {
  const { json: asJson, positionals } = parseWithJson(args);
  const [target] = positionals;
  if (target === undefined) throw new CliError(`why needs a path or an asset id\n\n${HELP}`, 2);
  const device = await requireDevice();
  const isPath = target.includes('/') || existsSync(target);
  const { folder, relative } = isPath
    ? await folderHolding(target)
    : { folder: (await chosenFolders(undefined))[0] ?? '', relative: undefined };
  const explanation = await withFolder(folder, device, (sync) =>
    sync.explain(relative === undefined ? { assetId: target } : { path: relative }),
  );
  console.log(asJson ? JSON.stringify(explanation) : describe(explanation));
}

function describe(e: Explanation): string {
  const lines: string[] = [];
  lines.push(`${e.path ?? e.assetId ?? '?'}: ${e.verdict}`);
  if (e.assetId) lines.push(`  asset: ${e.assetId}`);
  const { file, synced, asset, pending } = e.here;
  lines.push('  on this device:');
  if (file) lines.push(`    file: ${String(file.size)} bytes, sha256 ${file.hash.slice(0, 16)}…`);
  if (synced) {
    lines.push(
      `    synced as: version ${synced.versionId} (${synced.role}${synced.conflictCopy ? ', conflict copy' : ''}), sha256 ${synced.hash.slice(0, 16)}…`,
    );
  }
  if (asset) {
    lines.push(
      `    replica: ${asset.lifecycle.state}, ${String(asset.versions.length)} version(s), at ${[...asset.paths.keys()].join(', ')}`,
    );
  }
  for (const op of pending) lines.push(`    not yet sent: ${op.payload.kind} (${op.opId})`);
  lines.push('  on the server:');
  if ('unreachable' in e.server) lines.push(`    unreachable: ${e.server.unreachable}`);
  else if (!e.server.asset) lines.push('    no such asset');
  else {
    const s = e.server.asset;
    lines.push(
      `    ${s.lifecycle.state}, ${String(s.versions.length)} version(s): ${s.versions.map((v) => `${v.id} by ${v.device}`).join(', ')}`,
    );
    lines.push(`    paths: ${s.paths.join(', ') || '(none)'}`);
    lines.push('  history:');
    for (const entry of e.server.history) {
      const outcome =
        entry.outcome.status === 'rejected'
          ? `rejected (${entry.outcome.reason}: ${entry.outcome.message})`
          : entry.outcome.status;
      lines.push(
        `    #${String(entry.seq)} ${entry.receivedAt} ${entry.op.payload.kind} from ${entry.op.device}: ${outcome}`,
      );
    }
  }
  return lines.join('\n');
}
