import { readFile, writeFile } from 'node:fs/promises';
import type { Command } from 'commander';
import { applyConfigPlan } from '../config/apply-config-plan.js';
import { readLiveConfig } from '../config/live-config.js';
import { describeStep, planConfig } from '../config/plan-config.js';
import { ConfigError, formatAccountConfig, parseAccountConfig } from '../config/trunk-config.js';
import { print, printJson, type CliIo } from './cli-io.js';
import { withCommonOptions } from './common-options.js';
import { clientFor, runAction, UsageError, type CommonFlags } from './run-action.js';

async function readAll(stream: NodeJS.ReadableStream): Promise<string> {
  let text = '';
  for await (const chunk of stream) text += String(chunk);
  return text;
}

/** `vsip apply -f trunks.yaml` and `vsip export`: trunks kept in files, reviewed as a plan, converged. */
export function registerConfigCommands(program: Command, io: CliIo): void {
  withCommonOptions(program.command('apply'))
    .description('make the account match a trunks file (YAML or JSON): shows the plan, then applies it')
    .requiredOption('-f, --file <file>', 'the file (- for stdin), in the format vsip export writes')
    .option('--dry-run', 'show the plan only')
    .option('--prune', 'also remove trunks, numbers, IPs, destinations and settings the file does not list')
    .addHelpText(
      'after',
      '\nExamples:\n  $ vsip export > trunks.yaml\n' +
        '  $ vsip apply -f trunks.yaml --dry-run\n  $ vsip apply -f trunks.yaml',
    )
    .action((flags: CommonFlags & { file: string; dryRun?: boolean; prune?: boolean }) =>
      runAction(io, async () => {
        const text = flags.file === '-' ? await readAll(io.stdin) : await readFile(flags.file, 'utf8');
        let desired: ReturnType<typeof parseAccountConfig>;
        try {
          desired = parseAccountConfig(text);
        } catch (err) {
          if (err instanceof ConfigError) throw new UsageError(`${flags.file}: ${err.message}`);
          throw err;
        }
        const client = clientFor(io, flags);
        const live = await readLiveConfig(client);
        const steps = planConfig(desired, live, flags.prune === true);
        if (flags.json && flags.dryRun) return printJson(io, steps);
        if (!flags.json) {
          print(
            io,
            steps.length === 0 ? 'No changes: the account matches the file.' : steps.map(describeStep).join('\n'),
          );
        }
        if (steps.length === 0 || flags.dryRun) return;
        let done = 0;
        await applyConfigPlan(client, live, steps, () => {
          done++;
        });
        if (flags.json) printJson(io, { applied: done, steps });
        else print(io, `Applied ${done} change${done === 1 ? '' : 's'}.`);
      }),
    );

  withCommonOptions(program.command('export'))
    .description("write the account's trunks (numbers, IPs, destinations, settings) in the format vsip apply reads")
    .option('--format <format>', 'yaml or json', 'yaml')
    .option('-o, --output <file>', 'write to a file instead of stdout')
    .addHelpText('after', '\nExample:\n  $ vsip export > trunks.yaml')
    .action((flags: CommonFlags & { format: string; output?: string }) =>
      runAction(io, async () => {
        if (flags.format !== 'yaml' && flags.format !== 'json') throw new UsageError('--format: yaml or json');
        const live = await readLiveConfig(clientFor(io, flags));
        const text = formatAccountConfig({ trunks: live }, flags.json ? 'json' : flags.format);
        if (flags.output !== undefined) await writeFile(flags.output, text);
        else io.stdout.write(text);
      }),
    );
}
