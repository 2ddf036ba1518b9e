import { chosenFolders, parseWithJson, requireDevice, withFolder } from './device-folders.js';

export const HELP = `Usage: keepsake conflicts [<folder>] [--json]

Lists the photos whose content was changed on two devices that had not seen each other's
change: both versions are kept (the other one as a conflict copy beside the photo) until
you choose with keepsake resolve.

Options:
  --json       one JSON object per line, a line per conflict (none when there are none)
  -h, --help   this text`;

export async function run(args: string[]): Promise<void> {
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
