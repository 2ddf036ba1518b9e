import { parseArgs } from 'node:util';
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

interface Command {
  readonly help: string;
  readonly run: (args: string[]) => Promise<void>;
}

// Each command's module is loaded only when it runs: a device's `keepsake sync` need not load
// the server (its HTTP framework, image codecs), which would double its memory and start time.
const COMMANDS: Record<string, () => Promise<Command>> = {
  serve: async () => {
    const m = await import('./commands/serve.js');
    return { help: m.SERVE_HELP, run: m.runServe };
  },
  fsck: async () => {
    const m = await import('./commands/fsck.js');
    return { help: m.FSCK_HELP, run: m.runFsck };
  },
  login: async () => {
    const m = await import('./commands/login.js');
    return { help: m.LOGIN_HELP, run: m.runLogin };
  },
  sync: async () => {
    const m = await import('./commands/sync.js');
    return { help: m.SYNC_HELP, run: m.runSync };
  },
  status: async () => {
    const m = await import('./commands/status.js');
    return { help: m.STATUS_HELP, run: m.runStatus };
  },
  why: async () => {
    const m = await import('./commands/why.js');
    return { help: m.WHY_HELP, run: m.runWhy };
  },
  verify: async () => {
    const m = await import('./commands/verify.js');
    return { help: m.VERIFY_HELP, run: m.runVerify };
  },
  conflicts: async () => {
    const m = await import('./commands/conflicts.js');
    return { help: m.CONFLICTS_HELP, run: m.runConflicts };
  },
  resolve: async () => {
    const m = await import('./commands/conflicts.js');
    return { help: m.RESOLVE_HELP, run: m.runResolve };
  },
};

async function main(argv: string[]): Promise<void> {
  const [name, ...rest] = argv;
  if (name === undefined || name === '--help' || name === '-h' || name === 'help') {
    console.log(HELP);
    return;
  }
  const load = COMMANDS[name];
  if (!load) throw new CliError(`unknown command "${name}"\n\n${HELP}`, 2);
  const command = await load();
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
