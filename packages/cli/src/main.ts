import { readFile } from 'node:fs/promises';
import { parseArgs } from 'node:util';
import { CliError } from './cli-error.js';

const USAGE = `keepsake — self-hosted photo library sync that never silently loses a photo

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

Run "keepsake help <command>" (or "keepsake <command> --help") for a command's options,
and "keepsake --version" for the version.`;

/** A command's module: its `--help` text and what it does. */
interface CommandModule {
  readonly HELP: string;
  readonly run: (args: string[]) => Promise<void>;
}

// Each command's module is loaded only when it runs: a device's `keepsake sync` need not load
// the server (its HTTP framework, image codecs), which would double its memory and start time.
const COMMANDS: Record<string, () => Promise<CommandModule>> = {
  serve: () => import('./commands/serve.js'),
  fsck: () => import('./commands/fsck.js'),
  login: () => import('./commands/login.js'),
  sync: () => import('./commands/sync.js'),
  status: () => import('./commands/status.js'),
  why: () => import('./commands/why.js'),
  verify: () => import('./commands/verify.js'),
  conflicts: () => import('./commands/conflicts.js'),
  resolve: () => import('./commands/resolve.js'),
};

async function main(argv: string[]): Promise<void> {
  const [name, ...rest] = argv;
  if (name === '--version' || name === '-V') {
    console.log(`keepsake ${await version()}`);
    return;
  }
  if (name === 'help' && rest[0] !== undefined) return main([rest[0], '--help']);
  if (name === undefined || name === '--help' || name === '-h' || name === 'help') {
    console.log(USAGE);
    return;
  }
  const load = COMMANDS[name];
  if (!load) throw new CliError(`unknown command "${name}"\n\n${USAGE}`, 2);
  const command = await load();
  const { values } = parseArgs({
    args: rest,
    options: { help: { type: 'boolean', short: 'h' } },
    strict: false,
  });
  if (values.help === true) {
    console.log(command.HELP);
    return;
  }
  try {
    await command.run(rest);
  } catch (error) {
    // An unknown option or one missing its value: the user's to fix, said without a stack.
    const code = (error as { code?: unknown }).code;
    if (typeof code === 'string' && code.startsWith('ERR_PARSE_ARGS_')) {
      throw new CliError(`${(error as Error).message}\nRun "keepsake ${name} --help".`, 2);
    }
    throw error;
  }
}

/** The version of this package, as its package.json says. */
async function version(): Promise<string> {
  const text = await readFile(new URL('../package.json', import.meta.url), 'utf8');
  return (JSON.parse(text) as { version: string }).version;
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
