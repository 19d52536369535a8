import type { Command } from 'commander';
import type { CallRecord } from '../../client/types.js';
import type { VsipClient } from '../../client/vsip-client.js';
import { explainCall } from '../knowledge/explain-call.js';
import {
  causeInfo,
  codeClass,
  QUICK_REFERENCE,
  SIP_CODES,
  TOPIC_ALIASES,
  TOPICS,
  type Topic,
  type TopicKey,
} from '../knowledge/sip-codes.js';
import { renderFields, renderTable } from '../output/render-table.js';
import { print, printJson, type CliIo } from './cli-io.js';
import { withCommonOptions } from './common-options.js';
import { callRow } from './calls-command.js';
import { trunkSidFor } from './resolve-trunk.js';
import { clientFor, runAction, UsageError, type CommonFlags } from './run-action.js';

export function renderTopic(t: Topic): string {
  const lines = [`Troubleshooting: ${t.problem}`, `SYMPTOM: ${t.symptom}`];
  t.checks.forEach((c, i) => {
    lines.push('', `CHECK ${i + 1}: ${c.title}`);
    if (c.command) lines.push(`  $ ${c.command}`);
    for (const s of c.steps) lines.push(`  → ${s}`);
  });
  return lines.join('\n');
}

function topicOf(arg: string): TopicKey | null {
  const key = arg.toLowerCase();
  if (key in TOPICS && !/^\d+$/.test(key)) return key as TopicKey;
  return TOPIC_ALIASES[key] ?? null;
}

/** `explain <sip-code>`: the spec's row; for codes it does not list, what the class means. */
function explainCode(io: CliIo, code: number, json: boolean): number {
  const info = SIP_CODES.get(code);
  const cls = codeClass(code);
  if (!cls) throw new UsageError(`${code} is not a SIP status code (they run from 100 to 699)`);
  const topic = info?.topic ? TOPICS[info.topic] : undefined;
  if (json) {
    printJson(
      io,
      info
        ? { ...info, listed_in_spec: true, troubleshooting: topic ?? null }
        : {
            code,
            category: cls.category,
            meaning: cls.meaning,
            solution: cls.solution,
            listed_in_spec: false,
            troubleshooting: null,
          },
    );
    return 0;
  }
  if (!info) {
    print(
      io,
      `SIP ${code} is not in the vSIP code table; it is a ${cls.category} response.\n\n${renderFields([
        ['Meaning', cls.meaning],
        ['Solution', cls.solution],
      ])}`,
    );
    return 0;
  }
  const fields: Array<[string, string]> = [['Meaning', info.meaning]];
  if (info.description) fields.push(['Description', info.description]);
  if (info.cause) fields.push(['Cause', info.cause]);
  if (info.solution) fields.push(['Solution', info.solution]);
  print(
    io,
    `SIP ${code} ${info.meaning} ` +
      `(${info.category})\n\n${renderFields(fields)}${topic ? `\n\n${renderTopic(topic)}` : ''}`,
  );
  return 0;
}

async function findCall(
  client: VsipClient,
  callId: string,
  trunkSid: string | undefined,
): Promise<{ call: CallRecord; trunkSid: string } | null> {
  const trunks = trunkSid
    ? [trunkSid]
    : await (async () => {
        const sids: string[] = [];
        for await (const t of client.trunks.iterate()) sids.push(t.trunk_sid);
        return sids;
      })();
  for (const sid of trunks) {
    const page = await client.calls.list(sid, { callId, result: 'all', pageSize: 10 });
    // The newest attempt with a final answer tells the story.
    const found =
      page.items.find((c) => c.call_id === callId && c.final_code !== null) ??
      page.items.find((c) => c.call_id === callId);
    if (found) return { call: found, trunkSid: sid };
  }
  return null;
}

export function registerExplainCommand(program: Command, io: CliIo): void {
  withCommonOptions(program.command('explain <code_topic_or_call_id>'))
    .description(
      'what a SIP response code means, its likely cause and the fix; troubleshooting steps; or why a logged call ' +
        'failed',
    )
    .option('--trunk <trunk>', "with a call id: look only in this trunk's call log (its SID or name)")
    .addHelpText(
      'after',
      `
Topics: 401, 403, no-inbound, no-audio, codes (every code the spec lists), issues (quick reference),
or a call-log cause (ip_not_whitelisted, caller_id_not_mapped, no_destination, …)

Examples:
  $ vsip explain 403
  $ vsip explain no-audio
  $ vsip explain ip_not_whitelisted
  $ vsip explain codes
  $ vsip explain a84b4c76e66710@pbx.example.com   # a Call-ID from the call log`,
    )
    .action((arg: string, flags: CommonFlags & { trunk?: string }) =>
      runAction(io, async () => {
        const json = flags.json === true;
        if (/^\d+$/.test(arg)) return explainCode(io, Number(arg), json);
        const topicKey = topicOf(arg);
        if (topicKey) {
          const t = TOPICS[topicKey];
          if (json) printJson(io, t);
          else print(io, renderTopic(t));
          return 0;
        }
        const cause = causeInfo(arg);
        if (cause) {
          // A cause from `vsip calls`: what it means, the code the gateway answers, the fix.
          const info = cause.code === null ? undefined : SIP_CODES.get(cause.code);
          const topic = cause.topic ? TOPICS[cause.topic] : undefined;
          if (json)
            printJson(io, { cause: arg, ...cause, meaning: info?.meaning ?? null, troubleshooting: topic ?? null });
          else
            print(
              io,
              `${arg}: SIP ${cause.code ?? "code of the downstream's answer"} ${info?.meaning ?? ''}`.trimEnd() +
                `\n\n${renderFields([
                  ['Why', cause.explanation],
                  ['Fix', cause.fix],
                ])}${topic ? `\n\n${renderTopic(topic)}` : ''}`,
            );
          return 0;
        }
        if (arg === 'codes') {
          const all = [...SIP_CODES.values()];
          if (json) printJson(io, all);
          else
            print(
              io,
              renderTable(
                ['CODE', 'MEANING', 'CAUSE / DESCRIPTION', 'SOLUTION'],
                all.map((c) => [String(c.code), c.meaning, c.cause ?? c.description ?? '', c.solution ?? '']),
              ),
            );
          return 0;
        }
        if (arg === 'issues') {
          if (json) printJson(io, QUICK_REFERENCE);
          else
            print(
              io,
              renderTable(
                ['ISSUE', 'LIKELY CAUSE', 'QUICK FIX'],
                QUICK_REFERENCE.map((q) => [q.issue, q.cause, q.fix]),
              ),
            );
          return 0;
        }
        const trunkSid = flags.trunk === undefined ? undefined : await trunkSidFor(io, flags, flags.trunk);
        const hit = await findCall(clientFor(io, flags), arg, trunkSid);
        if (!hit)
          throw new UsageError(
            `"${arg}" is not a SIP code, a topic (401, 403, no-inbound, no-audio, codes, issues) or a Call-ID in the ` +
              `call log${flags.trunk ? ` of ${flags.trunk}` : ''}`,
          );
        const { call } = hit;
        const e = explainCall(call, hit.trunkSid);
        if (json) {
          printJson(io, {
            trunk_sid: hit.trunkSid,
            call,
            explanation: e,
            troubleshooting: e.topic ? TOPICS[e.topic] : null,
          });
          return 0;
        }
        print(
          io,
          renderTable(['STARTED', 'CALL-ID', 'DIRECTION', 'FROM', 'TO', 'CODE', 'CAUSE', 'DURATION'], [callRow(call)]),
        );
        const fields: Array<[string, string]> = [
          ['Result', e.meaning],
          ['Why', e.explanation],
          ['Fix', e.fix],
        ];
        if (call.source_ip)
          fields.splice(1, 0, [
            'Source',
            `${call.source_ip}${call.source_port ? `:${call.source_port}` : ''} (${call.transport})`,
          ]);
        if (call.destination) fields.splice(2, 0, ['Sent to', call.destination]);
        if (e.media) fields.push(['Media', e.media]);
        print(io, `\n${renderFields(fields)}${e.topic ? `\n\n${renderTopic(TOPICS[e.topic])}` : ''}`);
        return 0;
      }),
    );
}
