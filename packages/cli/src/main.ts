import { parseArgs } from 'node:util';
import { CONFLICTS_HELP, RESOLVE_HELP, runConflicts, runResolve } from './commands/conflicts.js';
import { FSCK_HELP, runFsck } from './commands/fsck.js';
import { LOGIN_HELP, runLogin } from './commands/login.js';
import { runServe, SERVE_HELP } from './commands/serve.js';
import { runStatus, STATUS_HELP } from './commands/status.js';
import { runSync, SYNC_HELP } from './commands/sync.js';
import { runVerify, VERIFY_HELP } from './commands/verify.js';
import { runWhy, WHY_HELP } from './commands/why.js';
import { CliError } from './cli-error.js';

const HELP = `keepsake — self-hosted photo library sync that never silently loses a photo

Usage: keepsake <command> [options]

Commands:
  serve     run the server (SQLite and a folder under --data)
  fsck      check a server's data directory for lost or corrupt data
  login     register this machine as a device of your user on a server
  sync      keep a folder in step with the server
  status    what is pending in this device's folders
  why       explain one photo: here, on the server, its history, what blocks it
  verify    prove a folder is in step with the server, or list every difference
  conflicts list photos edited on two devices at once
  resolve   end a conflict: keep one version, or both

Run "keepsake <command> --help" for a command's options.`;

const COMMANDS: Record<string, { help: string; run: (args: string[]) => Promise<void> }> = {
  serve: { help: SERVE_HELP, run: runServe },
  fsck: { help: FSCK_HELP, run: runFsck },
  login: { help: LOGIN_HELP, run: runLogin },
  sync: { help: SYNC_HELP, run: runSync },
  status: { help: STATUS_HELP, run: runStatus },
  why: { help: WHY_HELP, run: runWhy },
  verify: { help: VERIFY_HELP, run: runVerify },
  conflicts: { help: CONFLICTS_HELP, run: runConflicts },
  resolve: { help: RESOLVE_HELP, run: runResolve },
};

async function main(argv: string[]): Promise<void> {
  const [name, ...rest] = argv;
  if (name === undefined || name === '--help' || name === '-h' || name === 'help') {
    console.log(HELP);
    return;
  }
  const command = COMMANDS[name];
  if (!command) throw new CliError(`unknown command "${name}"\n\n${HELP}`, 2);
  const { values } = parseArgs({
    args: rest,
    options: { help: { type: 'boolean', short: 'h' } },
    strict: false,
  });
  if (values.help === true) {
    console.log(command.help);
    return;
  }
  await command.run(rest);
}

try {
  await main(process.argv.slice(2));
} catch (error) {
  if (error instanceof CliError) {
    console.error(`keepsake: ${error.message}`);
    process.exit(error.exitCode);
  }
  throw error;
}
