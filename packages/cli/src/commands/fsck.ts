import { parseArgs } from 'node:util';
import { countPartialUploads, fsck, openDataDir } from '@keepsake/server';
import { CliError } from '../cli-error.js';

export const HELP = `Usage: keepsake fsck [options]

Checks a server's data directory: the database's integrity, every blob's size and SHA-256,
every asset's blobs present, and gap-free change logs. Notes, without calling them problems,
blob files no record names and records nothing holds. Safe while the server runs.

Options:
  --data <dir>   data directory (default ./keepsake-data)
  --json         print the report as JSON
  -h, --help     this text

Exit status: 0 when nothing is wrong, 1 when a problem is listed, 2 on bad options.`;

export async function run(args: string[]): Promise<void> {
  const { values } = parseArgs({
    args,
    options: {
      data: { type: 'string', default: './keepsake-data' },
      json: { type: 'boolean', default: false },
      help: { type: 'boolean', short: 'h' },
    },
  });
  const opened = openDataDir(values.data);
  if (!opened) throw new CliError(`no Keepsake data in ${values.data}; give the right --data`, 2);
  const tty = process.stderr.isTTY;
  try {
    const report = await fsck(opened.store, opened.blobs, (phase, done) => {
      if (tty && done % 1000 === 0) process.stderr.write(`\rchecking ${phase}: ${done}`);
    });
    if (tty) process.stderr.write('\r\x1b[K');
    const partialUploads = await countPartialUploads(opened.paths.uploads);
    if (values.json) {
      console.log(JSON.stringify({ ...report, partialUploads }, null, 2));
    } else {
      console.log(
        `checked ${report.blobsChecked} blobs and ${report.assetsChecked} assets; ${partialUploads} unfinished uploads`,
      );
      for (const note of report.notes) console.log(`note: ${note}`);
      for (const problem of report.problems) console.log(`PROBLEM: ${problem}`);
      console.log(
        report.problems.length === 0 ? 'no problems' : `${report.problems.length} problems`,
      );
    }
    if (report.problems.length > 0) process.exitCode = 1;
  } finally {
    await opened.store.close();
  }
}
