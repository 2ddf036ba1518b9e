import { parseArgs } from 'node:util';
import { CliError } from '../cli-error.js';
import { chosenFolders, requireDevice, withFolder, parseWithJson } from './device-folders.js';

export const CONFLICTS_HELP = `Usage: keepsake conflicts [<folder>] [--json]

Lists the photos whose content was changed on two devices that had not seen each other's
change: both versions are kept (the other one as a conflict copy beside the photo) until
you choose with keepsake resolve.

Options:
  --json       one JSON object per conflict
  -h, --help   this text`;

export const RESOLVE_HELP = `Usage: keepsake resolve <asset> --keep <version> | --keep-both [<folder>]

Ends a conflict (see keepsake conflicts). <asset> is the asset id or its first characters.
  --keep <version>   keep this version (its id, or the 8 characters after "~conflict-" in
                     the conflict copy's name, or the start of its sha256) and retire the rest
  --keep-both        keep every version, each other one as a photo of its own, where its
                     conflict copy is now
The choice is sent to the server and reaches every device, like any other change.`;

export async function runConflicts(args: string[]): Promise<void> {
  const { json: asJson, positionals } = parseWithJson(args);
  const device = await requireDevice();
  let found = 0;
  for (const folder of await chosenFolders(positionals[0])) {
    const conflicts = await withFolder(folder, device, (sync) => sync.conflicts());
    for (const asset of conflicts) {
      found += 1;
      const versions = asset.versions.map((v) => ({
        id: v.id,
        device: v.device,
        sha256: (v.resources.render ?? v.resources.original).hash,
      }));
      const paths = [...asset.paths.keys()];
      if (asJson) {
        console.log(JSON.stringify({ folder, asset: asset.id, paths, versions }));
        continue;
      }
      console.log(`${asset.id} at ${paths.join(', ')}`);
      for (const v of versions) {
        console.log(`  version ${v.id} from device ${v.device}, sha256 ${v.sha256.slice(0, 8)}…`);
      }
    }
  }
  if (found === 0 && !asJson) console.log('no conflicts');
}

export async function runResolve(args: string[]): Promise<void> {
  const { values, positionals } = parseArgs({
    args,
    allowPositionals: true,
    options: {
      keep: { type: 'string' },
      'keep-both': { type: 'boolean', default: false },
      help: { type: 'boolean', short: 'h' },
    },
  });
  const [asset, folderArg] = positionals;
  if (asset === undefined || (values.keep === undefined) === !values['keep-both']) {
    throw new CliError(
      `resolve needs an asset and one of --keep or --keep-both\n\n${RESOLVE_HELP}`,
      2,
    );
  }
  const device = await requireDevice();
  const keep = values.keep === undefined ? ('both' as const) : { version: values.keep };
  const folders = await chosenFolders(folderArg);
  const folder = folders[0] ?? '';
  await withFolder(folder, device, async (sync) => {
    const ops = sync.resolve(asset, keep);
    const report = await sync.untilQuiet(60_000);
    const sent = report.errors.length === 0;
    console.log(
      sent
        ? `resolved: ${String(ops.length)} change(s) sent; every device follows on its next sync`
        : `recorded; it will be sent on the next sync (${report.errors.join('; ')})`,
    );
  });
}
