import type { Command } from 'commander';
import type { PageOptions } from '../../client/types.js';
import { UsageError } from './run-action.js';

/** `--profile` and `--json`, accepted by every command that talks to the API. */
export function withCommonOptions(cmd: Command): Command {
  return cmd
    .option('--profile <name>', 'saved profile to use (default: the default profile; VSIP_* variables override it)')
    .option('--json', "print the API's data as JSON instead of a table");
}

/** `--offset` / `--page-size` for list commands; without them a list shows every page. */
export function withPageOptions(cmd: Command): Command {
  return cmd
    .option('--offset <n>', 'start at this item (one page only)')
    .option('--page-size <n>', 'items per page (one page only)');
}

export function pageFrom(flags: { offset?: string; pageSize?: string }): PageOptions | null {
  if (flags.offset === undefined && flags.pageSize === undefined) return null;
  return {
    offset: flags.offset === undefined ? undefined : intFlag('--offset', flags.offset),
    pageSize: flags.pageSize === undefined ? undefined : intFlag('--page-size', flags.pageSize),
  };
}

export function intFlag(name: string, value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 0) throw new UsageError(`${name} must be a whole number, got "${value}"`);
  return n;
}
