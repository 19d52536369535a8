import type { Command } from 'commander';
import { SERVE_OPTIONS } from '../config/options.js';

/** Adds the given serve options (by key) to a command, with their help and `VSIP_*` variable. */
export function addConfigOptions(command: Command, keys: readonly string[]): Command {
  for (const spec of SERVE_OPTIONS) {
    if (!keys.includes(spec.key)) continue;
    const def = spec.default === null ? '' : ` (default: ${spec.default})`;
    command.option(`${spec.flag} <${spec.arg ?? 'value'}>`, `${spec.help}${def}; env ${spec.env}`);
  }
  return command;
}
