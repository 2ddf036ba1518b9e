import { EventEmitter } from 'node:events';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { CliError } from './cli-error.js';
import { promptHidden } from './hidden-prompt.js';

/** What the prompt needs of a terminal, keeping whether it is in raw mode. */
class Terminal extends EventEmitter {
  readonly isTTY = true;
  raw = false;
  setRawMode(on: boolean): this {
    this.raw = on;
    return this;
  }
  resume(): this {
    return this;
  }
  pause(): this {
    return this;
  }
  setEncoding(): this {
    return this;
  }
}

afterEach(() => {
  vi.restoreAllMocks();
});

/** Asks through a stand-in terminal that types `keys`; returns the answer and what was shown. */
async function ask(keys: string) {
  const terminal = new Terminal();
  vi.spyOn(process, 'stdin', 'get').mockReturnValue(terminal as unknown as typeof process.stdin);
  const shown: string[] = [];
  vi.spyOn(process.stderr, 'write').mockImplementation((chunk) => {
    shown.push(String(chunk));
    return true;
  });
  const answer = promptHidden('password: ');
  terminal.emit('data', keys);
  const settled: { typed?: string | undefined; error?: unknown } = await answer.then(
    (typed) => ({ typed }),
    (error: unknown) => ({ error }),
  );
  return { ...settled, shown: shown.join(''), raw: terminal.raw };
}

describe('promptHidden', () => {
  it('answers what was typed, echoing none of it', async () => {
    expect(await ask('secret\r')).toEqual({ typed: 'secret', shown: 'password: \n', raw: false });
  });

  it('takes Ctrl-C as cancelling: the terminal restored, a new line, exit 130 without a stack', async () => {
    const { error, shown, raw } = await ask('sec\u0003');
    expect(error).toBeInstanceOf(CliError);
    expect(error).toMatchObject({ message: 'cancelled', exitCode: 130 });
    expect(shown).toBe('password: \n');
    expect(raw).toBe(false);
  });
});
