import { randomBytes } from 'node:crypto';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { configDir, login } from '@keepsake/agent';
import { afterAll, describe, expect, it, vi } from 'vitest';
import { PASSWORD, serverForFile, tempDirs } from '../test-support/test-server.js';
import { run } from './sync.js';

const freshDir = tempDirs('keepsake-sync-');
const server = serverForFile(freshDir);
afterAll(() => {
  vi.unstubAllEnvs();
});

/** The lines a terminal shows for `output`: a carriage return starts its line over. */
const screen = (output: string): string[] =>
  output.split('\n').map((line) => (line.split('\r').at(-1) ?? '').replaceAll('\x1b[K', ''));

describe('keepsake sync on a terminal', () => {
  it('prints its result on a line of its own, not after the progress line', async () => {
    vi.stubEnv('XDG_CONFIG_HOME', freshDir());
    const { config } = await login({
      server: server().url,
      user: 'admin',
      password: PASSWORD,
      deviceName: 'laptop',
      configDir: configDir(),
    });
    const folder = join(freshDir(), 'Photos');
    mkdirSync(folder);
    writeFileSync(join(folder, 'a.jpg'), randomBytes(300_000));
    // Both streams, in the order a terminal would show them.
    let output = '';
    const show = (chunk: unknown) => {
      output += String(chunk);
      return true;
    };
    const printLine = (...parts: unknown[]) => show(`${parts.join(' ')}\n`);
    vi.spyOn(process.stderr, 'write').mockImplementation(show);
    vi.spyOn(process.stdout, 'write').mockImplementation(show);
    vi.spyOn(console, 'log').mockImplementation(printLine);
    vi.spyOn(console, 'error').mockImplementation(printLine);
    const wasTTY = process.stderr.isTTY;
    process.stderr.isTTY = true;
    try {
      await run([folder, '--once']);
    } finally {
      process.stderr.isTTY = wasTTY;
      vi.restoreAllMocks();
    }
    expect(output).toContain('\r\x1b[K'); // the progress line was drawn
    expect(screen(output)).toContain(`${folder} is in step with ${config.server}`);
  });
});
