import type { Command } from 'commander';
import type { WebhookDelivery } from '../../client/webhooks-api.js';
import { cell, renderTable } from '../output/render-table.js';
import { print, printJson, type CliIo } from './cli-io.js';
import { intFlag, withCommonOptions } from './common-options.js';
import { trunkSidFor } from './resolve-trunk.js';
import { clientFor, runAction, type CommonFlags } from './run-action.js';

const deliveryTable = (items: WebhookDelivery[]): string =>
  renderTable(
    ['DELIVERY', 'EVENT', 'TYPE', 'STATE', 'ATTEMPTS', 'LAST', 'NEXT ATTEMPT'],
    items.map((d) => [
      d.delivery_id,
      d.event_id,
      d.event_type,
      d.state,
      String(d.attempts),
      cell(d.last_error ?? d.last_status),
      d.state === 'pending' ? d.next_attempt_at : '-',
    ]),
  );

export function registerWebhooksCommand(program: Command, io: CliIo): void {
  const hooks = program
    .command('webhooks')
    .description('signed HTTP POSTs of call and configuration events (docs/webhooks.md)');
  hooks.addHelpText(
    'after',
    `
Examples:
  $ vsip webhooks create https://crm.example.com/vsip --events call.completed,call.failed
  $ vsip webhooks list
  $ vsip webhooks deliveries wh0123456789abcdef
  $ vsip webhooks redeliver wh0123456789abcdef wd0123456789abcdef`,
  );

  withCommonOptions(hooks.command('create <url>'))
    .description('subscribe a URL; prints the signing secret once')
    .addHelpText(
      'after',
      '\nExample:\n  $ vsip webhooks create https://crm.example.com/vsip --events call.completed,call.failed',
    )
    .option('--events <types>', 'comma-separated event types (default: all)')
    .option('--trunk <trunk>', "only this trunk's events (its SID or name)")
    .action((url: string, flags: CommonFlags & { events?: string; trunk?: string }) =>
      runAction(io, async () => {
        const trunkSid = flags.trunk === undefined ? undefined : await trunkSidFor(io, flags, flags.trunk);
        const w = await clientFor(io, flags).webhooks.create({
          url,
          ...(flags.events !== undefined ? { events: flags.events.split(',').map((e) => e.trim()) } : {}),
          ...(trunkSid !== undefined ? { trunk_sid: trunkSid } : {}),
        });
        if (flags.json) return printJson(io, w);
        print(io, `Created webhook ${w.webhook_sid} → ${w.url} (${w.events.join(', ')}).`);
        print(io, `Signing secret (shown only now; verify Vsip-Signature with it): ${w.secret}`);
      }),
    );

  withCommonOptions(hooks.command('list'))
    .description("the account's webhooks")
    .addHelpText('after', '\nExample:\n  $ vsip webhooks list --json')
    .action((flags: CommonFlags) =>
      runAction(io, async () => {
        const items = await clientFor(io, flags).webhooks.list();
        if (flags.json) return printJson(io, items);
        print(
          io,
          items.length === 0
            ? 'No webhooks. Add one: vsip webhooks create <url>'
            : renderTable(
                ['WEBHOOK', 'URL', 'EVENTS', 'TRUNK', 'CREATED'],
                items.map((w) => [w.webhook_sid, w.url, w.events.join(','), cell(w.trunk_sid), w.date_created]),
              ),
        );
      }),
    );

  withCommonOptions(hooks.command('delete <webhook_sid>'))
    .description('remove a webhook and its pending deliveries')
    .addHelpText('after', '\nExample:\n  $ vsip webhooks delete wh0123456789abcdef')
    .action((sid: string, flags: CommonFlags) =>
      runAction(io, async () => {
        await clientFor(io, flags).webhooks.delete(sid);
        if (flags.json) return printJson(io, { webhook_sid: sid, deleted: true });
        print(io, `Deleted webhook ${sid}.`);
      }),
    );

  withCommonOptions(hooks.command('deliveries <webhook_sid>'))
    .description('the delivery log, newest first')
    .addHelpText('after', '\nExample:\n  $ vsip webhooks deliveries wh0123456789abcdef --limit 20')
    .option('--limit <n>', 'how many (at most 200)', '50')
    .action((sid: string, flags: CommonFlags & { limit: string }) =>
      runAction(io, async () => {
        const items = await clientFor(io, flags).webhooks.deliveries(sid, intFlag('--limit', flags.limit));
        if (flags.json) return printJson(io, items);
        print(io, items.length === 0 ? 'No deliveries yet.' : deliveryTable(items));
      }),
    );

  withCommonOptions(hooks.command('redeliver <webhook_sid> <delivery_id>'))
    .description('send a delivery again now, with the same event id')
    .addHelpText('after', '\nExample:\n  $ vsip webhooks redeliver wh0123456789abcdef wd0123456789abcdef')
    .action((sid: string, deliveryId: string, flags: CommonFlags) =>
      runAction(io, async () => {
        const d = await clientFor(io, flags).webhooks.redeliver(sid, deliveryId);
        if (flags.json) return printJson(io, d);
        print(io, `Delivery ${d.delivery_id} (event ${d.event_id}) queued for sending again.`);
      }),
    );
}
