import { CliError } from './cli-error.js';

/**
 * Asks on the terminal for a secret, echoing nothing. Undefined when there is no terminal to
 * ask on (a script should pass the secret in the environment instead). Ctrl-C (which raw mode
 * delivers as a character, not a signal) cancels: the terminal is restored and the command
 * ends as an interrupted one does, with 130.
 */
export function promptHidden(question: string): Promise<string | undefined> {
  const input = process.stdin;
  if (!input.isTTY) return Promise.resolve(undefined);
  process.stderr.write(question);
  input.setRawMode(true);
  input.resume();
  input.setEncoding('utf8');
  return new Promise((resolve, reject) => {
    let typed = '';
    const finish = (error?: Error) => {
      input.off('data', onData);
      input.setRawMode(false);
      input.pause();
      process.stderr.write('\n');
      if (error) reject(error);
      else resolve(typed);
    };
    const onData = (chunk: string) => {
      for (const char of chunk) {
        if (char === '\r' || char === '\n') {
          finish();
          return;
        }
        if (char === '\u0003') {
          finish(new CliError('cancelled', 130));
          return;
        }
        if (char === '\u007f' || char === '\b') typed = typed.slice(0, -1);
        else typed += char;
      }
    };
    input.on('data', onData);
  });
}
