import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, rmSync, truncateSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/**
 * A real file system that folds names, mounted for a test: exFAT, as SD cards and USB drives
 * come formatted (case-insensitive, case-preserving, no hard links, timestamps to 10 ms), in an
 * image file on a loop device, through FUSE (Debian's exfat-fuse). It needs root, /dev/fuse, a
 * free loop device and the exfat tools, which `.ci/run` installs; without them the tests that
 * use it are skipped, except where KEEPSAKE_REQUIRE_SERVICES=1 (CI) makes that a failure.
 */
export interface FoldingMount {
  readonly path: string;
  unmount(): void;
}

/** Why no folding mount can be made here, or undefined when one can. */
export function foldingMountMissing(): string | undefined {
  if (process.getuid?.() !== 0) return 'mounting needs root';
  if (!existsSync('/dev/fuse')) return 'there is no /dev/fuse';
  for (const tool of ['losetup', 'mkfs.exfat', 'mount.exfat-fuse']) {
    try {
      execFileSync('sh', ['-c', `command -v ${tool}`], { stdio: 'ignore' });
    } catch {
      return `${tool} is not installed (Debian: apt-get install exfat-fuse exfatprogs)`;
    }
  }
  return undefined;
}

export function mountFolding(): FoldingMount {
  const root = mkdtempSync(join(tmpdir(), 'keepsake-exfat-'));
  const image = join(root, 'exfat.img');
  const path = join(root, 'mnt');
  mkdirSync(path);
  writeFileSync(image, '');
  truncateSync(image, 256 * 1024 * 1024);
  const run = (command: string, args: string[]) =>
    execFileSync(command, args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] }).trim();
  run('mkfs.exfat', [image]);
  const loop = run('losetup', ['--find', '--show', image]);
  try {
    run('mount.exfat-fuse', [loop, path]);
  } catch (error) {
    run('losetup', ['--detach', loop]);
    throw error;
  }
  return {
    path,
    unmount() {
      run('umount', [path]);
      run('losetup', ['--detach', loop]);
      rmSync(root, { recursive: true, force: true });
    },
  };
}
