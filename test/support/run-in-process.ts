import { PassThrough, Writable } from 'node:stream';
import { Command, CommanderError } from 'commander';
import { registerClientCommands } from '../../src/cli/commands/index.js';

export interface InProcessResult {
  out: string;
  err: string;
  code: number;
}

/**
 * The client commands run in this process (the same compiled code the `vsip` binary loads),
 * for checks that need many runs — every help page, every SIP code — without a node start-up
 * each. Optionally on a fake terminal: each question matching `answers[i][0]` on stderr is
 * answered by typing `answers[i][1]`.
 */
export async function runInProcess(
  args: string[],
  env: Record<string, string>,
  opts: { tty?: boolean; answers?: Array<[RegExp, string]> } = {},
): Promise<InProcessResult> {
  const stdin = Object.assign(new PassThrough(), { isTTY: opts.tty === true, setRawMode: () => undefined });
  if (opts.tty !== true) stdin.end();
  let out = '';
  let err = '';
  let code = 0;
  const pending = [...(opts.answers ?? [])];
  const stdout = new Writable({
    write(c: Buffer, _e, cb) {
      out += c.toString();
      cb();
    },
  });
  const stderr = Object.assign(
    new Writable({
      write(c: Buffer, _e, cb) {
        err += c.toString();
        const next = pending[0];
        if (next?.[0].test(err)) {
          pending.shift();
          setImmediate(() => stdin.write(`${next[1]}\n`));
        }
        cb();
      },
    }),
    { isTTY: opts.tty === true },
  );
  const program = new Command('vsip')
    .exitOverride()
    .configureOutput({ writeOut: (s) => (out += s), writeErr: (s) => (err += s) });
  registerClientCommands(program, { env, stdin, stdout, stderr, setExitCode: (c) => (code = c) });
  try {
    await program.parseAsync(['node', 'vsip', ...args]);
  } catch (e) {
    if (!(e instanceof CommanderError)) throw e;
    code = e.exitCode;
  }
  if (pending.length > 0)
    throw new Error(`questions not asked: ${pending.map((p) => p[0]).join(', ')}; stderr was:\n${err}`);
  return { out, err, code };
}
