import { parseArgs } from 'node:util';
import { CliError } from '../cli-error.js';
import {
  chosenFolders,
  firstAnswer,
  requireDevice,
  withFolder,
  type DeviceConfig,
} from './device-folders.js';

export const HELP = `Usage: keepsake resolve <asset> --keep <version> | --keep-both [<folder>]

Ends a conflict (see keepsake conflicts). <asset> is the asset id or its first characters.
  --keep <version>   keep this version (its id, or the 8 characters after "~conflict-" in
                     the conflict copy's name, or the start of its sha256) and retire the rest
  --keep-both        keep every version, each other one as a photo of its own, where its
                     conflict copy is now
The choice is sent to the server and reaches every device, like any other change.`;

export async function run(args: string[]): Promise<void> {
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
    throw new CliError(`resolve needs an asset and one of --keep or --keep-both\n\n${HELP}`, 2);
  }
  const device = await requireDevice();
  const keep = values.keep === undefined ? ('both' as const) : { version: values.keep };
  const folder = await folderFor(asset, folderArg, device);
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

/**
 * The folder named, else the first whose replica has the asset in conflict (else the first
 * folder, whose error then says what is wrong).
 */
async function folderFor(
  asset: string,
  folderArg: string | undefined,
  device: DeviceConfig,
): Promise<string> {
  const [first = ''] = await chosenFolders(folderArg);
  if (folderArg !== undefined) return first;
  const found = await firstAnswer(device, (sync) =>
    sync.conflicts().find((conflict) => conflict.id.startsWith(asset)),
  );
  return found?.folder ?? first;
}
