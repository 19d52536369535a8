import { createInterface } from 'node:readline';
import type { Readable, Writable } from 'node:stream';
import type { Env } from '../profile.js';

/** What the client commands need from the process: passed in by `main`, replaced in tests. */
export interface CliIo {
  env: Env;
  stdin: Readable & { isTTY?: boolean; setRawMode?: (mode: boolean) => unknown };
  stdout: Writable & { isTTY?: boolean };
  stderr: Writable & { isTTY?: boolean };
  /** Where a command's exit status goes (`process.exitCode` in the real CLI). */
  setExitCode(code: number): void;
  /** Set when the running command was given `--json`: its errors are printed as JSON too. */
  json?: boolean;
}

export function print(io: CliIo, text: string): void {
  io.stdout.write(text.endsWith('\n') ? text : `${text}\n`);
}

export function printJson(io: CliIo, data: unknown): void {
  io.stdout.write(`${JSON.stringify(data, null, 2)}\n`);
}

export function canPrompt(io: CliIo): boolean {
  return io.stdin.isTTY === true;
}

/** Asks one question on the terminal; `hidden` does not echo what is typed (tokens, passwords). */
export async function ask(
  io: CliIo,
  question: string,
  options: { hidden?: boolean; default?: string } = {},
): Promise<string> {
  const rl = createInterface({ input: io.stdin, output: io.stderr, terminal: true });
  if (options.hidden) {
    // Echo nothing after the question: readline writes each key through _writeToOutput.
    const r = rl as unknown as { _writeToOutput: (s: string) => void; output: Writable };
    let asked = false;
    r._writeToOutput = (s: string) => {
      if (!asked) {
        asked = true;
        r.output.write(s);
      } else if (s.includes('\n') || s.includes('\r')) r.output.write('\n');
    };
  }
  const suffix = options.default ? ` [${options.default}]` : '';
  try {
    const answer = await new Promise<string>((resolve) => rl.question(`${question}${suffix}: `, resolve));
    return answer.trim() === '' && options.default !== undefined ? options.default : answer.trim();
  } finally {
    rl.close();
  }
}

/** Yes/no question; non-interactive callers must pass `--yes` instead. */
export async function confirm(io: CliIo, question: string): Promise<boolean> {
  const answer = await ask(io, `${question} [y/N]`);
  return /^y(es)?$/i.test(answer);
}
