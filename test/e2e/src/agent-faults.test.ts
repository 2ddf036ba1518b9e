import { randomBytes, randomInt } from 'node:crypto';
import { copyFileSync, mkdirSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { createHash } from 'node:crypto';
import { dirname, join } from 'node:path';
import { Prng } from '@keepsake/sim';
import { describe, expect, it } from 'vitest';
import type { AgentDevice } from './agent-process.js';
import { FaultProxy } from './fault-proxy.js';
import { serverForFile } from './households.js';

// Randomized rounds against real processes: three agents sync through a TCP proxy that cuts
// and stalls connections, and agents are SIGKILLed mid-run (mid-upload, mid-download, mid-
// write). Each device changes only files it made, so the folder every device must end with
// is known exactly; once faults stop, DESIGN.md §4's invariants are checked on disk and on the
// server. KEEPSAKE_FAULT_SEED replays a run; KEEPSAKE_FAULT_ROUNDS sets its length.

const SEED = Number(process.env.KEEPSAKE_FAULT_SEED ?? randomInt(2 ** 31));
const ROUNDS = Number(process.env.KEEPSAKE_FAULT_ROUNDS ?? 20);

const { household, server } = serverForFile();

const sha256 = (bytes: Buffer) => createHash('sha256').update(bytes).digest('hex');

/** The files a device made and what each holds now; `copied` ones are placements of one asset. */
interface OwnFile {
  hash: string;
  copied: boolean;
}

class Owner {
  readonly files = new Map<string, OwnFile>();
  #made = 0;

  constructor(
    readonly device: AgentDevice,
    private readonly random: Prng,
  ) {}

  /** One change a user might make to their own photos. */
  act(round: number): string {
    const mine = [...this.files.keys()];
    const single = mine.filter((path) => !this.files.get(path)?.copied);
    const action =
      mine.length === 0
        ? 'add'
        : this.random.weighted([
            ['add', 4],
            ['edit', 2],
            ['rename', 2],
            ['delete', 1],
            ['copy', 1],
          ] as const);
    const dir = this.device.name.split('-').at(-1) ?? 'x';
    const fresh = () => {
      this.#made += 1;
      return `${dir}/r${String(round)}-${String(this.#made)}.jpg`;
    };
    const path = this.random.pick(mine) ?? '';
    switch (action) {
      case 'add': {
        const added = fresh();
        this.#write(added, false);
        return `add ${added}`;
      }
      case 'edit': {
        const target = this.random.pick(single);
        if (!target) return 'edit (nothing to edit)';
        this.#write(target, false);
        return `edit ${target}`;
      }
      case 'rename': {
        const to = fresh().replace('/r', '/moved/r');
        mkdirSync(dirname(join(this.device.folder, to)), { recursive: true });
        renameSync(join(this.device.folder, path), join(this.device.folder, to));
        const file = this.files.get(path);
        this.files.delete(path);
        if (file) this.files.set(to, file);
        return `rename ${path} -> ${to}`;
      }
      case 'delete':
        rmSync(join(this.device.folder, path));
        this.files.delete(path);
        return `delete ${path}`;
      case 'copy': {
        const source = this.random.pick(single);
        const file = source && this.files.get(source);
        if (!source || !file) return 'copy (nothing to copy)';
        const to = fresh().replace('/r', '/copies/r');
        mkdirSync(dirname(join(this.device.folder, to)), { recursive: true });
        copyFileSync(join(this.device.folder, source), join(this.device.folder, to));
        file.copied = true;
        this.files.set(to, { hash: file.hash, copied: true });
        return `copy ${source} -> ${to}`;
      }
    }
  }

  #write(path: string, copied: boolean): void {
    // Mostly photo-sized, some big enough to be cut or killed mid-transfer.
    const size = this.random.chance(0.25)
      ? 1_000_000 + this.random.int(2_000_000)
      : 20_000 + this.random.int(200_000);
    const bytes = randomBytes(size);
    const absolute = join(this.device.folder, path);
    mkdirSync(dirname(absolute), { recursive: true });
    writeFileSync(absolute, bytes);
    this.files.set(path, { hash: sha256(bytes), copied });
  }
}

describe('agents under network faults and crashes', () => {
  it(`keep every invariant over ${String(ROUNDS)} randomized rounds (seed ${String(SEED)}; replay with KEEPSAKE_FAULT_SEED=${String(SEED)})`, async () => {
    // Separate generators: the users' actions replay exactly from the seed; which connection
    // gets which fault also depends on timing.
    const random = new Prng(SEED);
    const proxy = await FaultProxy.start(new URL(server().url), new Prng(SEED + 1));
    proxy.faulty = false;
    const { library, devices } = await household('faults', ['a', 'b', 'c'], proxy.url);
    const owners = devices.map((device) => new Owner(device, random));
    const log: string[] = [];
    try {
      proxy.faulty = true;
      for (let round = 1; round <= ROUNDS; round++) {
        for (const owner of owners) {
          for (let n = random.int(3); n > 0; n--)
            log.push(`${String(round)} ${owner.device.name}: ${owner.act(round)}`);
        }
        const running = owners
          .filter(() => random.chance(0.7))
          .map((owner) =>
            owner.device.run(['sync', owner.device.folder, '--once', '--timeout', '20']),
          );
        const victim = random.pick(owners);
        let kill: NodeJS.Timeout | undefined;
        if (victim && random.chance(0.5)) {
          const after = 100 + random.int(1500);
          log.push(`${String(round)} kill ${victim.device.name} after ${String(after)} ms`);
          kill = setTimeout(() => {
            victim.device.killRunning();
          }, after);
        }
        await Promise.all(running);
        // A kill meant for this round must not land on a later run (the final check's).
        clearTimeout(kill);
      }
      proxy.faulty = false;
      for (let pass = 0; pass < 2; pass++)
        for (const owner of owners) await owner.device.syncOnce();

      // 1–4: every device holds exactly the files their makers left, bit for bit (nothing lost,
      // nothing doubled, nothing deleted come back), and the server's live assets are those.
      const expected = new Map<string, string>();
      for (const owner of owners) for (const [path, f] of owner.files) expected.set(path, f.hash);
      for (const owner of owners) expect(owner.device.files()).toEqual(expected);
      const assets = await library.assets();
      expect(assets.flatMap((a) => a.paths).sort()).toEqual([...expected.keys()].sort());
      expect(assets.filter((a) => a.inConflict)).toEqual([]);
      // 5: nothing left unsent, and each device proves it is in step with the server.
      for (const owner of owners) {
        const status = await owner.device.run(['status', '--json']);
        expect(JSON.parse(status.stdout)).toMatchObject({ pendingOps: 0, uploads: { files: 0 } });
        const verify = await owner.device.run(['verify']);
        expect(verify.stdout).toContain('no difference');
      }
      expect(proxy.counts.cuts + proxy.counts.stalls).toBeGreaterThan(0);
    } catch (error) {
      console.error(
        `fault run failed; replay with KEEPSAKE_FAULT_SEED=${String(SEED)}\n${log.join('\n')}`,
      );
      throw error;
    } finally {
      await proxy.close();
    }
  }, 900_000);
});
