import { existsSync, mkdirSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { AgentDevice } from './agent-process.js';
import { put, serverForFile } from './households.js';

// The commands a user runs to see and steer what the agent does: status, why, verify,
// conflicts and resolve, each through the real CLI against a real server.

const { household } = serverForFile();

/** The last line of a command's output, parsed. */
const json = (stdout: string): unknown => JSON.parse(stdout.trim().split('\n').at(-1) ?? '');

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
