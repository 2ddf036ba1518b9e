import { existsSync, mkdirSync, renameSync, symlinkSync, utimesSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { claimFolder } from '@keepsake/agent';
import { describe, expect, it } from 'vitest';
import type { AgentDevice } from './agent-process.js';
import { put, serverForFile, USER_PASSWORD } from './households.js';
import { call } from './library-client.js';

// The commands a user runs to see and steer what the agent does: status, why, verify,
// conflicts and resolve, each through the real CLI against a real server.

const { household, server } = serverForFile();

/** The last line of a command's output, parsed. */
const json = (stdout: string): unknown => JSON.parse(stdout.trim().split('\n').at(-1) ?? '');

/** Revokes a user's device by its name, as its owner does on the devices page. */
async function revoke(user: string, deviceName: string): Promise<void> {
  const { url } = server();
  const { token } = await call<{ token: string }>(url, 'POST', '/api/v1/session', undefined, {
    user,
    password: USER_PASSWORD,
  });
  const { devices } = await call<{ devices: { id: string; name: string }[] }>(
    url,
    'GET',
    '/api/v1/devices',
    token,
  );
  const device = devices.find((d) => d.name === deviceName);
  if (!device) throw new Error(`${user} has no device ${deviceName}`);
  await call(url, 'DELETE', `/api/v1/devices/${device.id}`, token);
}

async function conflictBetween(a: AgentDevice, b: AgentDevice): Promise<string> {
  put(a, 'jpeg/door-knocker.jpg', 'door.jpg');
  await a.syncOnce();
  await b.syncOnce();
  writeFileSync(join(a.folder, 'door.jpg'), 'edited on a');
  writeFileSync(join(b.folder, 'door.jpg'), 'edited on b');
  for (const device of [a, b, a]) await device.syncOnce();
  const listed = await a.run(['conflicts', '--json']);
  expect(listed.code).toBe(0);
  return (json(listed.stdout) as { asset: string }).asset;
}

describe('keepsake status, why and verify', () => {
  it('status shows what waits, and that a synced folder is in step', async () => {
    const {
      devices: [a],
    } = await household('status', ['a']);
    const before = await a.run(['status']);
    expect(before.code).toBe(2);
    expect(before.stderr).toContain('keepsake sync <folder>');
    // A mistyped option is a usage error with the way to help, not a crash with a stack.
    const mistyped = await a.run(['status', '--bogus']);
    expect(mistyped.code).toBe(2);
    expect(mistyped.stderr).toContain(`Unknown option '--bogus'`);
    expect(mistyped.stderr).toContain('keepsake status --help');
    expect(mistyped.stderr).not.toContain('    at ');
    put(a, 'jpeg/door-knocker.jpg', 'door-knocker.jpg');
    await a.syncOnce();
    const status = await a.run(['status', '--json']);
    expect(status.code).toBe(0);
    expect(json(status.stdout)).toMatchObject({
      pendingOps: 0,
      uploads: { files: 0, bytes: 0 },
      downloads: { files: 0, bytes: 0 },
      conflicts: 0,
    });
    const text = await a.run(['status', a.folder]);
    expect(text.stdout).toContain('(in step)');
  });

  it('why says a synced photo is in step, with its history, and that a new file waits', async () => {
    const {
      devices: [a],
    } = await household('why', ['a']);
    put(a, 'jpeg/door-knocker.jpg', 'door-knocker.jpg');
    await a.syncOnce();
    const why = await a.run(['why', join(a.folder, 'door-knocker.jpg')]);
    expect(why.code).toBe(0);
    expect(why.stdout).toContain('in step');
    expect(why.stdout).toMatch(/#\d+ .* import from \S+: applied/);
    writeFileSync(join(a.folder, 'new.jpg'), 'a new photo');
    const fresh = await a.run(['why', join(a.folder, 'new.jpg'), '--json']);
    expect((json(fresh.stdout) as { verdict: string }).verdict).toMatch(
      /not been looked at|is new/,
    );
  });

  it('verify finds nothing on a synced folder, and lists a file changed behind its back', async () => {
    const {
      devices: [a],
    } = await household('verify', ['a']);
    put(a, 'jpeg/door-knocker.jpg', 'door-knocker.jpg');
    mkdirSync(join(a.folder, 'more'));
    put(a, 'heic/hopper.heif', 'more/hopper.heif');
    await a.syncOnce();
    const clean = await a.run(['verify']);
    expect(clean.stdout).toContain('no difference');
    expect(clean.code).toBe(0);
    writeFileSync(join(a.folder, 'more/hopper.heif'), 'bit rot');
    const dirty = await a.run(['verify', '--json']);
    expect(dirty.code).toBe(1);
    const { differences } = json(dirty.stdout) as { differences: { what: string }[] };
    expect(differences.map((d) => d.what)).toEqual(['more/hopper.heif']);
  });

  it('verify lists a photo the server has that this device has not downloaded yet', async () => {
    const {
      devices: [a, b],
    } = await household('verify-owed', ['a', 'b']);
    writeFileSync(join(b.folder, '.keepsakeignore'), 'Screenshots/\n');
    await b.syncOnce();
    put(a, 'jpeg/door-knocker.jpg', 'door-knocker.jpg');
    put(a, 'heic/hopper.heif', 'Screenshots/hopper.heif');
    await a.syncOnce();
    // verify reads the feed but places nothing: the photo is b's to download, the screenshot
    // is not b's at all.
    const owed = await b.run(['verify', '--json']);
    expect(owed.code).toBe(1);
    expect((json(owed.stdout) as { differences: unknown[] }).differences).toEqual([
      { what: 'door-knocker.jpg', problem: 'on the server, not downloaded here yet' },
    ]);
    await b.syncOnce();
    expect((await b.run(['verify'])).stdout).toContain('no difference');
  });

  it('sync --once names a file it cannot sync and exits 1, having synced the rest', async () => {
    const {
      devices: [a],
    } = await household('unsyncable', ['a']);
    put(a, 'jpeg/door-knocker.jpg', 'door-knocker.jpg');
    // A Latin-1 name, as an old camera wrote it: not UTF-8, so not a name the library can hold.
    writeFileSync(
      Buffer.from([...Buffer.from(`${a.folder}/caf`), 0xe9, ...Buffer.from('.jpg')]),
      'x',
    );
    const started = Date.now();
    const run = await a.run(['sync', a.folder, '--once']);
    expect(run.code).toBe(1);
    expect(run.stderr).toMatch(/caf\uFFFD\.jpg: its name is not valid UTF-8; rename the file/);
    expect(Date.now() - started).toBeLessThan(30_000);
    const status = await a.run(['status', '--json']);
    expect(JSON.parse(status.stdout)).toMatchObject({ pendingOps: 0, uploads: { files: 0 } });
  });

  it('refuses a folder inside one the device already syncs', async () => {
    const {
      devices: [a],
    } = await household('overlap', ['a']);
    await a.syncOnce();
    mkdirSync(join(a.folder, 'inner'));
    const nested = await a.run(['sync', join(a.folder, 'inner'), '--once']);
    expect(nested.code).toBe(2);
    expect(nested.stderr).toContain('overlaps');
  });

  it('says a synced folder has gone missing, and does not make it again', async () => {
    const {
      devices: [a],
    } = await household('missing', ['a']);
    put(a, 'jpeg/door-knocker.jpg', 'door-knocker.jpg');
    await a.syncOnce();
    // As a drive not mounted: made afresh, the folder would fill with the whole library.
    renameSync(a.folder, `${a.folder}-away`);
    for (const command of [['status'], ['verify']]) {
      const run = await a.run(command);
      expect(run.stderr).toContain('is missing');
      expect(run.code).toBe(1);
    }
    expect((await a.run(['sync', a.folder, '--once'])).code).not.toBe(0);
    expect(existsSync(a.folder)).toBe(false);
    renameSync(`${a.folder}-away`, a.folder);
    expect((await a.run(['status', a.folder])).code).toBe(0);
  });
});

describe('a revoked device', () => {
  it('is told to register again, and after login --force syncs the same folder on', async () => {
    const {
      library,
      devices: [a],
    } = await household('revoked', ['a']);
    put(a, 'jpeg/door-knocker.jpg', 'door-knocker.jpg');
    await a.syncOnce();
    await revoke('revoked', a.name);
    // Recorded as a change before the server refuses the token: the new device sends it.
    put(a, 'heic/hopper.heif', 'hopper.heif');
    const refused = await a.run(['sync', a.folder, '--once']);
    expect(refused.code).toBe(1);
    expect(refused.stderr).toContain('revoked');
    expect(refused.stderr).toContain(`keepsake login --server ${server().url} --user`);
    expect(refused.stderr).toContain('--force');
    const again = await a.run(
      ['login', '--server', server().url, '--user', 'revoked', '--name', a.name, '--force'],
      { KEEPSAKE_PASSWORD: USER_PASSWORD },
    );
    expect(again.code).toBe(0);
    expect(again.stdout).toContain(`it goes on syncing ${a.folder}`);
    await a.syncOnce();
    expect((await library.assets()).flatMap((asset) => asset.paths).sort()).toEqual([
      'door-knocker.jpg',
      'hopper.heif',
    ]);
    expect((await a.run(['verify'])).code).toBe(0);
  });
});

describe('keepsake sync, stopped', () => {
  it('stops at the first Ctrl-C in the middle of a round, and the next sync picks up', async () => {
    const {
      library,
      devices: [a],
    } = await household('interrupted', ['a']);
    await a.syncOnce();
    const agent = a.watch(['--no-push']);
    /** Waits until the agent has logged `text` `times` times (a failure must not hang). */
    const logged = async (text: string, times: number) => {
      const deadline = Date.now() + 30_000;
      while (agent.log().split(text).length <= times) {
        if (Date.now() > deadline) throw new Error(`never logged ${text}:\n${agent.log()}`);
        await new Promise((resolve) => setTimeout(resolve, 25));
      }
    };
    put(a, 'jpeg/door-knocker.jpg', 'door-knocker.jpg');
    await logged('1 sent', 1);
    // The round after it finds nothing to do; then the agent waits for news.
    await new Promise((resolve) => setTimeout(resolve, 3000));
    // A server that does not answer: the next round hangs on it, as on a big upload.
    server().child.kill('SIGSTOP');
    try {
      // Written a while ago and moved in, it is read at once: the round gets as far as the upload.
      put(a, 'heic/hopper.heif', '../hopper.heif');
      const anHourAgo = new Date(Date.now() - 3600_000);
      utimesSync(join(a.folder, '../hopper.heif'), anHourAgo, anHourAgo);
      renameSync(join(a.folder, '../hopper.heif'), join(a.folder, 'hopper.heif'));
      await logged('local change(s) recorded', 2);
      const stopping = Date.now();
      expect(await agent.stop('SIGINT')).toBe(0);
      expect(Date.now() - stopping).toBeLessThan(5_000);
      expect(agent.log()).toMatch(/\nstopped\b.*\n$/);
    } finally {
      server().child.kill('SIGCONT');
    }
    await a.syncOnce();
    expect((await library.assets()).flatMap((asset) => asset.paths).sort()).toEqual([
      'door-knocker.jpg',
      'hopper.heif',
    ]);
  });
});

describe('keepsake conflicts and resolve', () => {
  it('--keep one version: every device ends with that version and no conflict copy', async () => {
    const {
      library,
      devices: [a, b],
    } = await household('resolve-keep', ['a', 'b']);
    const asset = await conflictBetween(a, b);
    const keepB = await a.run(['conflicts', '--json']);
    const versions = (json(keepB.stdout) as { versions: { id: string; sha256: string }[] })
      .versions;
    const fromB = versions.find((v) => b.files().get('door.jpg') === v.sha256);
    if (!fromB) throw new Error("b's version is not among the conflict's versions");
    const resolved = await a.run([
      'resolve',
      asset.slice(0, 12),
      '--keep',
      fromB.sha256.slice(0, 8),
    ]);
    expect(resolved.code).toBe(0);
    await b.syncOnce();
    await a.syncOnce();
    expect([...a.files().keys()]).toEqual(['door.jpg']);
    expect(a.files().get('door.jpg')).toBe(fromB.sha256);
    expect(b.files()).toEqual(a.files());
    expect(await library.assets('conflicts')).toEqual([]);
  });

  it('--keep-both: the other version becomes a photo of its own where its copy was', async () => {
    const {
      library,
      devices: [a, b],
    } = await household('resolve-both', ['a', 'b']);
    const asset = await conflictBetween(a, b);
    const before = a.files();
    expect((await a.run(['resolve', asset, '--keep-both'])).code).toBe(0);
    await b.syncOnce();
    await a.syncOnce();
    expect(a.files()).toEqual(before);
    expect(b.files()).toEqual(before);
    expect(await library.assets('conflicts')).toEqual([]);
    expect(await library.assets()).toHaveLength(2);
    expect((await a.run(['conflicts'])).stdout).toContain('no conflicts');
  });
});

describe('keepsake why finds what it is asked about, or says what is wrong', () => {
  it('refuses a mistyped path and a folder, and follows a symlink to the synced folder', async () => {
    const {
      devices: [a],
    } = await household('why-paths', ['a']);
    put(a, 'jpeg/door-knocker.jpg', 'door-knocker.jpg');
    await a.syncOnce();
    const typo = await a.run(['why', join(a.folder, 'dor-knocker.jpg')]);
    expect(typo.code).toBe(2);
    expect(typo.stderr).toContain(
      `no file dor-knocker.jpg in ${a.folder}, and no asset with that id`,
    );
    const folder = await a.run(['why', a.folder]);
    expect(folder.code).toBe(2);
    expect(folder.stderr).toContain(`${a.folder} is the folder this device syncs`);
    const link = join(dirname(a.folder), 'Photos-link');
    symlinkSync(a.folder, link);
    const through = await a.run(['why', join(link, 'door-knocker.jpg')]);
    expect(through.code).toBe(0);
    expect(through.stdout).toContain('in step');
  });

  it('tells an edit not recorded yet from one that waits to be sent', async () => {
    const {
      devices: [a],
    } = await household('why-edit', ['a']);
    put(a, 'jpeg/door-knocker.jpg', 'door-knocker.jpg');
    await a.syncOnce();
    writeFileSync(join(a.folder, 'door-knocker.jpg'), 'edited, not synced');
    // verify looks at the folder (the new bytes are read) but records no change.
    expect((await a.run(['verify'])).code).toBe(1);
    const why = await a.run(['why', join(a.folder, 'door-knocker.jpg'), '--json']);
    const { verdict } = json(why.stdout) as { verdict: string };
    expect(verdict).toContain('changed on disk since it was last synced');
    expect(verdict).not.toContain('wait');
  });

  it('shows the error the server met reading a photo', async () => {
    const {
      library,
      devices: [a],
    } = await household('why-media-error', ['a']);
    put(a, 'corrupt/broken.png', 'broken.png');
    await a.syncOnce();
    const error = async () => {
      const asset = (await library.assetAt('broken.png')) as unknown as {
        media: Record<string, { error?: string } | undefined>;
      };
      return asset.media.original?.error;
    };
    await expect.poll(error, { timeout: 60_000 }).toBeDefined();
    const why = await a.run(['why', join(a.folder, 'broken.png')]);
    expect(why.stdout).toContain(`could not read its original: ${(await error()) ?? ''}`);
  });

  it('why and resolve find an asset known only to the second folder a device syncs', async () => {
    const {
      devices: [a, b],
    } = await household('why-folders', ['a', 'b']);
    await a.syncOnce();
    const second = join(dirname(a.folder), 'Second');
    mkdirSync(second);
    const syncSecond = async () => {
      expect((await a.run(['sync', second, '--once', '--timeout', '60'])).code).toBe(0);
    };
    // A conflict between b and the second folder; the first folder is not synced again.
    put(b, 'jpeg/door-knocker.jpg', 'door.jpg');
    await b.syncOnce();
    await syncSecond();
    writeFileSync(join(second, 'door.jpg'), 'edited in the second folder');
    writeFileSync(join(b.folder, 'door.jpg'), 'edited on b');
    await syncSecond();
    await b.syncOnce();
    await syncSecond();
    const listed = await a.run(['conflicts', second, '--json']);
    const { asset } = json(listed.stdout) as { asset: string };
    const why = await a.run(['why', asset.slice(0, 12)]);
    expect(why.code).toBe(0);
    expect(why.stdout).toContain(`asset: ${asset}`);
    const resolved = await a.run(['resolve', asset.slice(0, 12), '--keep-both']);
    expect(resolved.code).toBe(0);
    expect(resolved.stdout).toContain('resolved');
  });
});

describe('keepsake status of a folder never in step, --version and help', () => {
  it('status says a folder was never in step, and --json says so with null', async () => {
    const {
      devices: [a],
    } = await household('never-in-step', ['a']);
    // Claimed as keepsake sync claims it before its first round, which never ended in step.
    await claimFolder(join(a.config, 'keepsake'), a.folder);
    const text = await a.run(['status']);
    expect(text.code).toBe(0);
    expect(text.stdout).toContain('last in step: never: no sync round has ended in step yet');
    const status = await a.run(['status', '--json']);
    expect(json(status.stdout)).toMatchObject({ lastInStepAt: null, lastRound: null });
  });

  it('--version and -V print the version; help <command> is <command> --help', async () => {
    const {
      devices: [a],
    } = await household('version-help', ['a']);
    for (const flag of ['--version', '-V']) {
      const run = await a.run([flag]);
      expect(run.code).toBe(0);
      expect(run.stdout).toMatch(/^keepsake \d+\.\d+\.\d+\n$/);
    }
    const help = await a.run(['help', 'why']);
    expect(help.code).toBe(0);
    expect(help.stdout).toContain('Usage: keepsake why');
    expect(help.stdout).toBe((await a.run(['why', '--help'])).stdout);
  });
});
