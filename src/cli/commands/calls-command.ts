import type { Command } from 'commander';
import type { CallRecord } from '../../client/types.js';
import { explainCall } from '../knowledge/explain-call.js';
import { cell, renderTable } from '../output/render-table.js';
import { print, printJson, type CliIo } from './cli-io.js';
import { intFlag, withCommonOptions } from './common-options.js';
import { trunkSidFor } from './resolve-trunk.js';
import { clientFor, runAction, type CommonFlags } from './run-action.js';

interface CallsFlags extends CommonFlags {
  failed?: boolean;
  follow?: boolean;
  limit: string;
  interval: string;
}

const HEADERS = ['STARTED', 'CALL-ID', 'DIRECTION', 'FROM', 'TO', 'CODE', 'CAUSE', 'DURATION'];

export function callRow(c: CallRecord): string[] {
  const duration = typeof c.duration_ms === 'number' ? `${(c.duration_ms / 1000).toFixed(1)}s` : '-';
  return [
    cell(c.started_at),
    c.call_id,
    c.direction,
    cell(c.caller),
    cell(c.callee),
    cell(c.final_code),
    cell(c.cause),
    duration,
  ];
}

export function registerCallsCommand(program: Command, io: CliIo): void {
  withCommonOptions(program.command('calls <trunk>'))
    .description("the trunk's call log: every attempt the gateway saw, rejected ones included")
    .option('--failed', 'only failed calls (final code >= 300), each explained')
    .option('-f, --follow', 'keep watching and print new calls as they are logged (Ctrl-C to stop)')
    .option('--limit <n>', 'how many recent calls to show', '20')
    .option('--interval <ms>', 'poll interval with --follow', '1000')
    .addHelpText(
      'after',
      `
Examples:
  $ vsip calls TR0123456789abcdef
  $ vsip calls TR0123456789abcdef --failed        # with the spec's fix for each
  $ vsip calls TR0123456789abcdef --follow --json # one JSON object per line`,
    )
    .action((trunk: string, flags: CallsFlags) =>
      runAction(io, async () => {
        const trunkSid = await trunkSidFor(io, flags, trunk);
        const client = clientFor(io, flags);
        const limit = intFlag('--limit', flags.limit);
        const result = flags.failed ? 'failed' : 'all';
        const page = await client.calls.list(trunkSid, { result, pageSize: limit });
        // Oldest first on screen, like a log.
        const calls = [...page.items].sort((a, b) => a.started_at.localeCompare(b.started_at));
        if (!flags.follow) {
          if (flags.json) return printJson(io, page.items);
          if (calls.length === 0)
            return print(
              io,
              flags.failed ? 'No failed calls logged for this trunk.' : 'No calls logged for this trunk yet.',
            );
          print(io, renderTable(HEADERS, calls.map(callRow)));
          if (flags.failed) printExplanations(io, calls, trunkSid);
          return;
        }
        const seen = new Set<string>();
        const emit = (c: CallRecord): void => {
          seen.add(`${c.id}:${c.final_code ?? ''}`);
          if (flags.json) io.stdout.write(`${JSON.stringify(c)}\n`);
          else {
            const why = flags.failed ? `  → ${explainCall(c, trunkSid).fix}` : '';
            print(io, `${callRow(c).join('  ')}${why}`);
          }
        };
        if (!flags.json) print(io, HEADERS.join('  '));
        calls.forEach(emit);
        const interval = intFlag('--interval', flags.interval);
        await new Promise<void>((resolve) => {
          let stopped = false;
          const stop = (): void => {
            stopped = true;
            resolve();
          };
          process.once('SIGINT', stop);
          process.once('SIGTERM', stop);
          const tick = async (): Promise<void> => {
            if (stopped) return;
            try {
              const fresh = await client.calls.list(trunkSid, { result, pageSize: Math.max(limit, 50) });
              fresh.items
                .filter((c) => !seen.has(`${c.id}:${c.final_code ?? ''}`) && c.final_code !== null)
                .sort((a, b) => a.started_at.localeCompare(b.started_at))
                .forEach(emit);
            } catch (err) {
              io.stderr.write(`vsip: ${err instanceof Error ? err.message : String(err)} (retrying)\n`);
            }
            if (!stopped) setTimeout(() => void tick(), interval);
          };
          setTimeout(() => void tick(), interval);
        });
      }),
    );
}

export function printExplanations(io: CliIo, calls: CallRecord[], trunkSid: string): void {
  for (const c of calls) {
    const e = explainCall(c, trunkSid);
    print(
      io,
      `\n${c.call_id}: ${e.meaning}${e.cause ? ` (${e.cause})` : ''}\n  Why: ${e.explanation}\n  Fix: ` +
        `${e.fix}${e.topic ? `\n  More: vsip explain ${e.topic}` : ''}`,
    );
  }
}
