import { statSync } from 'node:fs';
import { parseArgs } from 'node:util';
import {
  DataDirInUse,
  DEFAULT_PORT,
  defaultConfig,
  startServer,
  type ServerConfig,
} from '@keepsake/server';
import { CliError } from '../cli-error.js';

export const HELP = `Usage: keepsake serve [options]

Runs the Keepsake server: metadata in SQLite and blobs in a folder tree, both under --data.
Logs are JSON lines on stdout; the address and any first-start instructions go to stderr.

Options:
  --data <dir>     data directory (default ./keepsake-data, created if missing)
  --port <n>       TCP port (default ${DEFAULT_PORT}; 0 picks a free one)
  --host <addr>    address to listen on (default 127.0.0.1; 0.0.0.0 for every interface)
  --trust-proxy <addr,...>
                   reverse proxies in front of the server (addresses or CIDR ranges, such as
                   127.0.0.1): a request through one counts as from the client its
                   X-Forwarded-For names, so sign-in limits apply per client, not to all at once
  -h, --help       this text

Environment:
  KEEPSAKE_ADMIN_USER       the first administrator's name (default admin)
  KEEPSAKE_ADMIN_PASSWORD   create that administrator on first start with this password;
                            without it, the first start prints a one-time setup command

Stop with Ctrl-C or SIGTERM: requests in flight finish and their writes commit first.`;

export async function run(args: string[]): Promise<void> {
  const { values } = parse(args);
  const port = values.port === undefined ? DEFAULT_PORT : Number(values.port);
  if (!Number.isInteger(port) || port < 0 || port > 65535) {
    throw new CliError(`--port must be a whole number from 0 to 65535, not "${values.port}"`, 2);
  }
  const config = defaultConfig({
    port,
    ...(values.data !== undefined && { dataDir: values.data }),
    ...(values.host !== undefined && { host: values.host }),
    ...(values['trust-proxy'] !== undefined && {
      trustedProxies: values['trust-proxy'].split(',').map((address) => address.trim()),
    }),
  });
  if (statSync(config.dataDir, { throwIfNoEntry: false })?.isDirectory() === false) {
    throw new CliError(`--data ${config.dataDir} is a file; name a directory (made if missing)`, 2);
  }
  const server = await startServer(config, {
    logger: { level: process.env.KEEPSAKE_LOG_LEVEL ?? 'info' },
    adminUser: process.env.KEEPSAKE_ADMIN_USER,
    adminPassword: process.env.KEEPSAKE_ADMIN_PASSWORD,
  }).catch((error: unknown) => {
    throw startFailure(error, config) ?? error;
  });
  process.stderr.write(`Keepsake is serving ${server.url} (data in ${config.dataDir})\n`);
  if (server.setupToken) {
    const body = JSON.stringify({
      token: server.setupToken,
      user: 'admin',
      password: 'CHOOSE-ONE',
    });
    process.stderr.write(
      `No users yet. Create the administrator (the token works once, during this run) in a browser:\n` +
        `  ${server.url}/setup#token=${server.setupToken}\n` +
        `or from a shell:\n` +
        `  curl -X POST ${server.url}/api/v1/setup -H 'content-type: application/json' -d '${body}'\n` +
        `or restart with KEEPSAKE_ADMIN_PASSWORD set.\n`,
    );
  }
  let stopping = false;
  const stop = (signal: string) => {
    if (stopping) return;
    stopping = true;
    process.stderr.write(`${signal}: finishing requests in flight, then stopping\n`);
    server.close().then(
      () => process.exit(0),
      (error: unknown) => {
        console.error(error);
        process.exit(1);
      },
    );
  };
  process.on('SIGINT', () => {
    stop('SIGINT');
  });
  process.on('SIGTERM', () => {
    stop('SIGTERM');
  });
}

const DATA_DIR_PROBLEMS: Partial<Record<string, string>> = {
  EACCES: 'permission denied',
  EPERM: 'permission denied',
  EROFS: 'the file system is read-only',
  ENOTDIR: 'a part of its path is a file',
  ENOSPC: 'the disk is full',
};

/** What a failed start means for the user, for the failures an option or another server causes. */
function startFailure(error: unknown, config: ServerConfig): CliError | undefined {
  if (error instanceof DataDirInUse) return new CliError(error.message);
  const { code, syscall, path } = error as NodeJS.ErrnoException;
  if (code === 'EADDRINUSE') {
    return new CliError(`port ${String(config.port)} is already in use; pick another with --port`);
  }
  if (syscall === 'listen' && (code === 'EACCES' || code === 'EPERM')) {
    return new CliError(
      `cannot listen on port ${String(config.port)}: permission denied (ports below 1024 need privileges); pick another with --port`,
    );
  }
  if (syscall === 'getaddrinfo' || code === 'EADDRNOTAVAIL') {
    return new CliError(
      `cannot listen on --host ${config.host}: ${code === 'EADDRNOTAVAIL' ? 'no network interface here has that address' : 'no such host name'}; use 127.0.0.1, 0.0.0.0 or an address of this machine`,
      2,
    );
  }
  const why = syscall !== 'listen' && code ? DATA_DIR_PROBLEMS[code] : undefined;
  if (why) {
    return new CliError(
      `cannot use the data directory ${config.dataDir}: ${why} (${path ?? config.dataDir}); pick another with --data`,
    );
  }
  return undefined;
}

function parse(args: string[]) {
  try {
    return parseArgs({
      args,
      options: {
        data: { type: 'string' },
        port: { type: 'string' },
        host: { type: 'string' },
        'trust-proxy': { type: 'string' },
        help: { type: 'boolean', short: 'h' },
      },
    });
  } catch (error) {
    throw new CliError(`${error instanceof Error ? error.message : String(error)}\n\n${HELP}`, 2);
  }
}
