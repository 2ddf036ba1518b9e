import { hostname } from 'node:os';
import { parseArgs } from 'node:util';
import {
  claimFolder,
  configDir,
  isIdle,
  isInStep,
  keepInStep,
  readDeviceConfig,
  type FolderSync,
  type RoundReport,
  type SyncEvents,
} from '@keepsake/agent';
import { CliError } from '../cli-error.js';
import { ProgressLine } from '../progress-line.js';
import { requireDevice, withFolder } from './device-folders.js';
import { registerDevice } from './login.js';

export const HELP = `Usage: keepsake sync <folder> [options]

Keeps <folder> in step with the library on the server this device is registered with
(keepsake login, or --server and --user here the first time): new, edited, moved and
deleted files go up as changes; other devices'
changes come down. Files the agent removes go to <folder>/.keepsake/trash/, never deleted.
It runs until stopped (Ctrl-C), reacting to file changes and to the server's push channel,
and reading the server's feed every --poll seconds in case a push is missed.

Options:
  --once          sync until the folder and the server are in step, then exit
  --timeout <s>   with --once, give up after this many seconds (default 600)
  --poll <s>      seconds between reads of the feed when nothing is pushed (default 30)
  --rescan <s>    seconds between full looks at the folder without file events (default 600)
  --no-push       do not listen on the push channel: poll only
  --json          one JSON report per line instead of log lines
  --server <url>  with --user: register this machine first if it is not a device yet
  --user <name>   (the password from KEEPSAKE_PASSWORD, else a prompt)
  --name <name>   the new device's name (default: this machine's name)
  -h, --help      this text

Environment:
  KEEPSAKE_LOOK_BYTES  bytes one look at the folder reads before what it read is synced; a
                       big import goes up a slice at a time (default 256 MiB, or 64 KiB for
                       each file in a bigger folder)

Exit status: 0 when in step (--once) or stopped, 1 when something is still pending or failed
(the reasons are printed), 2 on bad options or when this machine is not a device yet.`;

export async function run(args: string[]): Promise<void> {
  const { values, positionals } = parseArgs({
    args,
    allowPositionals: true,
    options: {
      once: { type: 'boolean', default: false },
      timeout: { type: 'string', default: '600' },
      poll: { type: 'string', default: '30' },
      rescan: { type: 'string', default: '600' },
      'no-push': { type: 'boolean', default: false },
      json: { type: 'boolean', default: false },
      server: { type: 'string' },
      user: { type: 'string' },
      name: { type: 'string', default: hostname() },
      help: { type: 'boolean', short: 'h' },
    },
  });
  const [folder, ...extra] = positionals;
  if (folder === undefined || extra.length > 0) {
    throw new CliError(`sync needs exactly one folder\n\n${HELP}`, 2);
  }
  const timeoutS = seconds('--timeout', values.timeout);
  const pollS = seconds('--poll', values.poll);
  const rescanS = seconds('--rescan', values.rescan);
  if ((values.server === undefined) !== (values.user === undefined)) {
    throw new CliError('--server and --user go together (or leave both out)', 2);
  }
  if (values.server !== undefined && values.user !== undefined) {
    const existing = await readDeviceConfig(configDir());
    if (!existing) {
      await registerDevice({
        server: values.server,
        user: values.user,
        name: values.name,
        force: false,
      });
    } else if (
      existing.user !== values.user ||
      originOf(existing.server) !== originOf(values.server)
    ) {
      throw new CliError(
        `this config directory is already device "${existing.deviceName}" of ${existing.user} on ${existing.server}; leave out --server and --user, or use keepsake login --force`,
        2,
      );
    }
  }
  const device = await requireDevice();
  let real: string;
  try {
    real = await claimFolder(configDir(), folder);
  } catch (error) {
    throw new CliError((error as Error).message, 2);
  }
  const progress = new ProgressLine();
  // Every line goes below the progress line, never after it on the same terminal line.
  const say = (line: string) => {
    progress.clear();
    console.error(line);
  };
  const events: SyncEvents = values.json
    ? {}
    : {
        onActivity: say,
        onProgress: (p) => {
          progress.update(p);
        },
      };
  try {
    await withFolder(
      real,
      device,
      async (sync) => {
        if (!values.once) {
          await runUntilStopped(sync, {
            pollMs: pollS * 1000,
            rescanMs: rescanS * 1000,
            push: !values['no-push'],
            json: values.json,
            say,
          });
          return;
        }
        const report = await sync.untilQuiet(timeoutS * 1000);
        progress.clear();
        reportOnce(folder, device.server, report, values.json);
      },
      events,
    );
  } finally {
    // An error is printed after this: on a line of its own too.
    progress.clear();
  }
}

/** `--once`: the last round's report, and whether the folder got in step. */
function reportOnce(folder: string, server: string, report: RoundReport, json: boolean): void {
  const inStep = isInStep(report);
  if (json) console.log(JSON.stringify({ inStep, ...report }));
  if (!inStep) {
    throw new CliError(
      `${folder} is not in step yet:\n${[...report.errors, ...report.unsyncable, ...report.waiting].map((r) => `  ${r}`).join('\n')}`,
      1,
    );
  }
  if (!json) console.log(`${folder} is in step with ${server}`);
}

function originOf(address: string): string {
  try {
    return new URL(address).origin;
  } catch {
    return address;
  }
}

function seconds(option: string, text: string): number {
  const value = Number(text);
  if (!Number.isFinite(value) || value <= 0) {
    throw new CliError(`${option} must be a positive number of seconds, not "${text}"`, 2);
  }
  return value;
}

/**
 * Watch mode: rounds until SIGINT or SIGTERM, each that did something logged in a line. The
 * first signal stops at once; a second one, while stopping, ends the process outright.
 */
async function runUntilStopped(
  sync: FolderSync,
  options: {
    pollMs: number;
    rescanMs: number;
    push: boolean;
    json: boolean;
    say: (line: string) => void;
  },
): Promise<void> {
  const stop = new AbortController();
  const onSignal = () => {
    stop.abort();
  };
  process.once('SIGINT', onSignal);
  process.once('SIGTERM', onSignal);
  console.error(`keeping ${sync.folder} in step; Ctrl-C to stop`);
  try {
    const { cutShort } = await keepInStep(
      sync,
      {
        pollMs: options.pollMs,
        rescanMs: options.rescanMs,
        push: options.push,
        onRound: (report) => {
          if (options.json)
            console.log(JSON.stringify({ at: new Date().toISOString(), ...report }));
          else if (!isIdle(report) || report.errors.length > 0) options.say(describeRound(report));
        },
        onError: (error, retryInMs) => {
          const line = `${error.message}; trying again in ${String(Math.round(retryInMs / 1000))} s`;
          if (options.json)
            console.log(JSON.stringify({ at: new Date().toISOString(), error: line }));
          else options.say(line);
        },
      },
      stop.signal,
    );
    if (!cutShort) {
      options.say('stopped');
      return;
    }
    options.say('stopped; the next sync picks up where the round under way was cut short');
    // That round still runs: closing the folder's state under it would break it halfway. The
    // process ends here instead, which the agent resumes from as from a crash.
    process.exit(0);
  } finally {
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
  }
}

function describeRound(report: RoundReport): string {
  const parts = [
    [report.opsMade, 'change(s) recorded'],
    [report.uploaded, 'uploaded'],
    [report.opsSent, 'sent'],
    [report.entriesPulled, 'received'],
    [report.written, 'written'],
    [report.removed, 'moved to local trash'],
  ] as const;
  const done = parts.filter(([n]) => n > 0).map(([n, what]) => `${String(n)} ${what}`);
  const time = new Date().toLocaleTimeString();
  return `${time} ${[...done, ...report.errors].join(', ')}`;
}
