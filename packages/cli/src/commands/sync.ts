import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { configDir, FolderSync, readDeviceConfig, ServerApiError } from '@keepsake/agent';
import { CliError } from '../cli-error.js';

export const SYNC_HELP = `Usage: keepsake sync <folder> --once [options]

Keeps <folder> in step with the library on the server this device is registered with
(keepsake login): new, edited, moved and deleted files go up as changes; other devices'
changes come down. Files the agent removes go to <folder>/.keepsake/trash/, never deleted.

Options:
  --once        sync until the folder and the server are in step, then exit
  --timeout <s> with --once, give up after this many seconds (default 600)
  --json        print the last round's report as JSON
  -h, --help    this text

Exit status: 0 when in step, 1 when something is still pending or failed (the reasons are
printed), 2 on bad options or when this machine is not a device yet.`;

export async function runSync(args: string[]): Promise<void> {
  const { values, positionals } = parseArgs({
    args,
    allowPositionals: true,
    options: {
      once: { type: 'boolean', default: false },
      timeout: { type: 'string', default: '600' },
      json: { type: 'boolean', default: false },
      help: { type: 'boolean', short: 'h' },
    },
  });
  const [folder, ...extra] = positionals;
  if (folder === undefined || extra.length > 0) {
    throw new CliError(`sync needs exactly one folder\n\n${SYNC_HELP}`, 2);
  }
  if (!values.once) {
    throw new CliError('only --once is available so far: run keepsake sync <folder> --once', 2);
  }
  const timeoutS = Number(values.timeout);
  if (!Number.isFinite(timeoutS) || timeoutS <= 0) {
    throw new CliError(`--timeout must be a number of seconds, not "${values.timeout}"`, 2);
  }
  const device = await readDeviceConfig(configDir());
  if (!device) {
    throw new CliError(
      'this machine is not a device yet: run keepsake login --server <url> --user <name> first',
      2,
    );
  }
  let sync: FolderSync;
  try {
    sync = new FolderSync(resolve(folder), device, {
      onActivity: (message) => {
        if (!values.json) console.error(message);
      },
    });
  } catch (error) {
    if (error instanceof ServerApiError) throw new CliError(error.message, 1);
    throw error;
  }
  try {
    const report = await sync.untilQuiet(timeoutS * 1000);
    const inStep = report.waiting.length === 0 && report.errors.length === 0;
    if (values.json) console.log(JSON.stringify({ inStep, ...report }));
    if (!inStep) {
      throw new CliError(
        `${folder} is not in step yet:\n${[...report.errors, ...report.waiting].map((r) => `  ${r}`).join('\n')}`,
        1,
      );
    }
    if (!values.json) console.log(`${folder} is in step with ${device.server}`);
  } catch (error) {
    if (error instanceof ServerApiError) throw new CliError(error.message, 1);
    throw error;
  } finally {
    await sync.close();
  }
}
