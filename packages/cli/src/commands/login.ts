import { hostname } from 'node:os';
import { parseArgs } from 'node:util';
import { AlreadyRegistered, configDir, login, ServerApiError } from '@keepsake/agent';
import { CliError } from '../cli-error.js';
import { promptHidden } from '../hidden-prompt.js';

export const HELP = `Usage: keepsake login --server <url> --user <name> [options]

Registers this machine as a device of <name> on a Keepsake server, and keeps the device's
token in the config directory ($XDG_CONFIG_HOME/keepsake, else ~/.config/keepsake), readable by
you alone. One config directory is one device.

Options:
  --server <url>   the server's address, as "keepsake serve" printed it (required)
  --user <name>    your user name on the server (required)
  --name <name>    how this device shows in your device list (default: this machine's name)
  --force          register anew even if this config directory is a device already
  --json           print the registered device as JSON
  -h, --help       this text

The password comes from KEEPSAKE_PASSWORD, else from a prompt on the terminal.

Exit status: 0 when registered, 1 when the server refused or could not be reached, 2 on bad
options.`;

export async function run(args: string[]): Promise<void> {
  const { values } = parseArgs({
    args,
    options: {
      server: { type: 'string' },
      user: { type: 'string' },
      name: { type: 'string', default: hostname() },
      force: { type: 'boolean', default: false },
      json: { type: 'boolean', default: false },
      help: { type: 'boolean', short: 'h' },
    },
  });
  if (values.server === undefined || values.user === undefined) {
    throw new CliError(`login needs --server and --user\n\n${HELP}`, 2);
  }
  const { config, file, folders } = await registerDevice({
    server: values.server,
    user: values.user,
    name: values.name,
    force: values.force,
  });
  const device = { id: config.deviceId, name: config.deviceName };
  if (values.json) {
    console.log(
      JSON.stringify({ server: config.server, user: config.user, device, config: file, folders }),
    );
  } else {
    console.log(
      `this machine is now device "${device.name}" (${device.id}) of ${config.user} on ${config.server}; its token is in ${file}`,
    );
    for (const folder of folders) console.log(`  it goes on syncing ${folder}`);
  }
}

/**
 * Registers this machine as a device, the password from KEEPSAKE_PASSWORD or a prompt; what
 * the user can fix becomes a CliError. Shared by `login` and a first `sync --server`.
 */
export async function registerDevice(options: {
  server: string;
  user: string;
  name: string;
  force: boolean;
}): Promise<Awaited<ReturnType<typeof login>>> {
  const password =
    process.env.KEEPSAKE_PASSWORD ?? (await promptHidden(`password for ${options.user}: `));
  if (!password) {
    throw new CliError(
      'no password: set KEEPSAKE_PASSWORD, or run keepsake login on a terminal to be asked',
      2,
    );
  }
  try {
    return await login({
      server: options.server,
      user: options.user,
      password,
      deviceName: options.name,
      configDir: configDir(),
      force: options.force,
    });
  } catch (error) {
    if (error instanceof AlreadyRegistered || error instanceof ServerApiError) {
      throw new CliError(error.message, 1);
    }
    throw error;
  }
}
