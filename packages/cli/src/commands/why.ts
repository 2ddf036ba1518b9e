import { stat } from 'node:fs/promises';
import { join } from 'node:path';
import type { Explanation } from '@keepsake/agent';
import { CliError } from '../cli-error.js';
import {
  firstAnswer,
  folderHolding,
  requireDevice,
  withFolder,
  parseWithJson,
  type DeviceConfig,
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
  const explanation = await explainTarget(target, device);
  console.log(asJson ? JSON.stringify(explanation) : describe(explanation));
}

/** An asset id or the start of one: an id is a SHA-256 in lowercase hex (core's SHA256_HEX). */
const ASSET_ID_START = /^[0-9a-f]{1,64}$/;

/**
 * `target` as a file in whichever synced folder holds it or, if no file there is known, as an
 * asset id. Finding neither is an error: an explanation of nothing would hide a typo.
 */
async function explainTarget(target: string, device: DeviceConfig): Promise<Explanation> {
  const place = await folderHolding(target);
  if (place) {
    const onDisk = await stat(join(place.folder, place.relative)).catch(() => undefined);
    if (onDisk?.isDirectory()) {
      const what =
        place.relative === ''
          ? `${place.folder} is the folder this device syncs`
          : `${target} is a folder`;
      throw new CliError(
        `${what}: keepsake why explains one file, so name a file in it (keepsake status sums up a synced folder)`,
        2,
      );
    }
    const byPath = await withFolder(place.folder, device, (sync) =>
      sync.explain({ path: place.relative }),
    );
    if (onDisk || byPath.here.synced || byPath.here.asset) return byPath;
  }
  const byId = ASSET_ID_START.test(target)
    ? await firstAnswer(device, async (sync) => {
        const explanation = await sync.explain({ assetId: target });
        return explanation.assetId === undefined ? undefined : explanation;
      })
    : undefined;
  if (byId) return byId.answer;
  const where = place
    ? `${place.relative} in ${place.folder}`
    : `${target} in a folder this device syncs`;
  throw new CliError(`no file ${where}, and no asset with that id: check the name`, 2);
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
    for (const [role, media] of Object.entries(s.media ?? {})) {
      if (media.error !== undefined) lines.push(`    could not read its ${role}: ${media.error}`);
    }
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
