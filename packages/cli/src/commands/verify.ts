import { CliError } from '../cli-error.js';
import { chosenFolders, requireDevice, withFolder, parseWithJson } from './device-folders.js';

export const HELP = `Usage: keepsake verify [<folder>] [--json]

Proves each synced folder (or <folder>) is in step, or lists every difference: this device's
copy of the library is compared with the server's through the digest protocol (a few
requests, however big the library), every photo the library puts in the folder is looked for
(one the server has and this device has not downloaded yet is listed), and every file is read
again and checked against the bytes it was synced as.

Options:
  --json       the differences as JSON
  -h, --help   this text

Exit status: 0 when there is no difference, 1 when there is any (each is listed).`;

export async function run(args: string[]): Promise<void> {
  const { json: asJson, positionals } = parseWithJson(args);
  const device = await requireDevice();
  let differences = 0;
  for (const folder of await chosenFolders(positionals[0])) {
    const result = await withFolder(folder, device, (sync) => sync.verify());
    differences += result.differences.length;
    if (asJson) {
      console.log(JSON.stringify({ folder, ...result }));
      continue;
    }
    console.log(
      `${folder}: ${String(result.filesChecked)} file(s) read, ${String(result.assetsCompared)} asset(s) compared with the server in ${String(result.digestExchanges)} request(s)`,
    );
    for (const d of result.differences) console.log(`  ${d.what}: ${d.problem}`);
    if (result.differences.length === 0) console.log('  no difference');
  }
  if (differences > 0) throw new CliError(`${String(differences)} difference(s) found`, 1);
}
