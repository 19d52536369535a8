import type { Command } from 'commander';
import type { OperatorAccount } from '../../client/operator-types.js';
import { cell, renderFields, renderTable } from '../output/render-table.js';
import { print, printJson, type CliIo } from './cli-io.js';
import { withPageOptions } from './common-options.js';
import { listItems } from './list-items.js';
import { registerOperatorCarriersCommand } from './operator-carriers-command.js';
import { confirmOrRefuse, operatorClientFor, withOperatorOptions, type OperatorFlags } from './operator-client-for.js';
import { runAction } from './run-action.js';

function accountFields(a: OperatorAccount): Array<[string, string]> {
  return [
    ['Account SID', a.account_sid],
    ['Name', a.name],
    ['API key', a.api_key],
    ['Status', a.status],
    ['Created', cell(a.date_created)],
  ];
}

/**
 * `vsip operator accounts|carriers|routes …`: the operator API through the SDK, authenticated by
 * `VSIP_OPERATOR_TOKEN`. Same shape as the account commands: tables by default, `--json` for
 * scripts, `--yes` for what cannot be undone.
 */
export function registerOperatorCommand(program: Command, io: CliIo): void {
  const operator = program
    .command('operator')
    .description('the operator API: accounts, carriers and routes (needs VSIP_OPERATOR_TOKEN)');
  const accounts = operator.command('accounts').description('create, list, suspend, resume and delete accounts');

  withOperatorOptions(accounts.command('create <name>'))
    .description('create an account and print its SID, API key and API token (the token is shown once)')
    .action((name: string, flags: OperatorFlags) =>
      runAction(io, async () => {
        const c = await operatorClientFor(io, flags).accounts.create(name);
        if (flags.json) return printJson(io, c);
        print(
          io,
          `${renderFields([
            ['Account SID', c.account_sid],
            ['API key', c.api_key],
            ['API token', c.api_token],
          ])}\n(the token is shown only now)`,
        );
      }),
    );

  withPageOptions(withOperatorOptions(accounts.command('list')))
    .description('list accounts (never their tokens)')
    .action((flags: OperatorFlags & { offset?: string; pageSize?: string }) =>
      runAction(io, async () => {
        const client = operatorClientFor(io, flags);
        const items = await listItems(flags, (p) => client.accounts.list(p));
        if (flags.json) return printJson(io, items);
        print(
          io,
          renderTable(
            ['ACCOUNT SID', 'NAME', 'STATUS', 'API KEY', 'CREATED'],
            items.map((a) => [a.account_sid, a.name, a.status, a.api_key, cell(a.date_created)]),
          ),
        );
      }),
    );

  withOperatorOptions(accounts.command('show <account_sid>'))
    .description('show one account')
    .action((sid: string, flags: OperatorFlags) =>
      runAction(io, async () => {
        const a = await operatorClientFor(io, flags).accounts.get(sid);
        if (flags.json) printJson(io, a);
        else print(io, renderFields(accountFields(a)));
      }),
    );

  for (const action of ['suspend', 'resume'] as const) {
    withOperatorOptions(accounts.command(`${action} <account_sid>`))
      .description(
        action === 'suspend'
          ? "suspend an account: its API calls and its trunks' calls get 403 until resumed"
          : 'resume a suspended account',
      )
      .action((sid: string, flags: OperatorFlags) =>
        runAction(io, async () => {
          const client = operatorClientFor(io, flags);
          const a = action === 'suspend' ? await client.accounts.suspend(sid) : await client.accounts.resume(sid);
          if (flags.json) printJson(io, a);
          else print(io, `Account ${a.account_sid} is ${a.status}.`);
        }),
      );
  }

  withOperatorOptions(accounts.command('rotate-token <account_sid>'))
    .description('issue a new API token for the account; the old one stops working at once')
    .action((sid: string, flags: OperatorFlags) =>
      runAction(io, async () => {
        const c = await operatorClientFor(io, flags).accounts.rotateToken(sid);
        if (flags.json) printJson(io, c);
        else print(io, `New API token for ${c.account_sid}: ${c.api_token}\n(shown only now)`);
      }),
    );

  withOperatorOptions(accounts.command('delete <account_sid>'))
    .description('delete an account with its trunks, numbers, IPs, destinations and settings')
    .option('-y, --yes', 'do not ask for confirmation (required when stdin is not a terminal)')
    .action((sid: string, flags: OperatorFlags & { yes?: boolean }) =>
      runAction(io, async () => {
        await confirmOrRefuse(io, flags.yes, `Delete account ${sid} and everything under it?`);
        await operatorClientFor(io, flags).accounts.delete(sid);
        if (flags.json) printJson(io, { account_sid: sid, deleted: true });
        else print(io, `Deleted account ${sid}.`);
      }),
    );

  registerOperatorCarriersCommand(operator, io);
}
