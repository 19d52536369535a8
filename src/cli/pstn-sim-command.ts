import type { Command } from 'commander';
import type { SipProtocol } from '../sip/index.js';
import { SPECIAL_NUMBERS } from '../pstn-sim/number-behaviour.js';
import type { Env } from './profile.js';

/**
 * `vsip pstn-sim`: the built-in PSTN simulator on its own — as a carrier for a gateway started
 * with `--carrier sip:<host>:<port>`, or (`vsip pstn-sim call`) as the PSTN caller of a user's
 * first inbound call through the gateway's carrier side. The simulator and its SIP stack load only
 * when one of these runs, not with every `vsip` command.
 */
export function registerPstnSimCommand(program: Command, env: Env = {}): void {
  // Positional: `pstn-sim call … --transport tcp` is the call's option, not the simulator's
  // (the program enables it too, else the options are split off before they reach `pstn-sim`).
  const sim = program
    .command('pstn-sim')
    .enablePositionalOptions()
    .description(
      'run the built-in PSTN simulator (answers calls with an audio prompt over RTP and reports what it ' +
        'received; special numbers give busy, no answer, 604, 603, no RTP, one-way RTP)',
    )
    .option('--host <host>', 'address to listen on', '127.0.0.1')
    .option('--port <port>', 'port to listen on (0 picks a free one)', '5090')
    .option('--transport <udp|tcp>', 'transport to listen on', 'udp')
    .option('--answer-delay <ms>', 'ring this long before answering', '0')
    .addHelpText(
      'after',
      `\nSpecial numbers (anything else is ` +
        `answered):\n${SPECIAL_NUMBERS.map((n) => `  ${n.number}  ${n.meaning}`).join('\n')}\n\nExamples:\n  $ vsip ` +
        `pstn-sim --port 5090                 # then: vsip serve --carrier sip:127.0.0.1:5090\n  $ vsip pstn-sim ` +
        `call +919XXXXXXXXX                   # to the running gateway's carrier side`,
    )
    .action(async (o: { host: string; port: string; transport: string; answerDelay: string }) => {
      const { runPstnSim } = await import('../server/run-pstn-sim.js');
      await runPstnSim(
        {
          host: o.host,
          port: Number(o.port),
          protocols: [o.transport as SipProtocol],
          answerDelayMs: Number(o.answerDelay),
        },
        (line) => process.stdout.write(`${line}\n`),
      );
    });

  sim
    .command('call <number>')
    .description("place a call from the PSTN to <number> through the gateway's carrier side (origination)")
    .option(
      '--to <host:port>',
      "the gateway's carrier-side address (default: the running gateway's, from --ready-file or the API's /health, " +
        'else 127.0.0.1:5080)',
    )
    .option('--ready-file <file>', 'the file vsip serve --ready-file wrote: the carrier side is read from it')
    .option('--api-url <url>', 'API whose /health lists the carrier side (default: your profile, else :8080)')
    .option('--transport <udp|tcp>', 'transport to the gateway', 'udp')
    .option('--from <caller>', 'caller ID to present', '+14155550100')
    .option('--hold <ms>', 'keep the call up this long before hanging up', '2000')
    .action(async (number: string, o: CallFlags) => {
      if (o.transport !== 'udp' && o.transport !== 'tcp')
        throw new Error(`--transport must be udp or tcp, got "${o.transport}"`);
      const { targetOfUriString } = await import('../sip/index.js');
      const { PstnSim } = await import('../pstn-sim/pstn-sim.js');
      const { formatMediaReport } = await import('../pstn-sim/format-media-report.js');
      const to = await gatewayTarget(o, env);
      const target = targetOfUriString(`sip:${to};transport=${o.transport}`);
      if (target === null) throw new Error(`--to ${to} is not host:port`);
      const s = await PstnSim.start({ host: '127.0.0.1', protocols: [o.transport as SipProtocol], callerId: o.from });
      try {
        process.stdout.write(`calling ${number} via ${to} (${o.transport}) from ${o.from}…\n`);
        const r = await s.call(number, target, Number(o.hold));
        process.stdout.write(
          `${r.status} ${r.reason}${r.byeStatus !== null ? `; hung up after ${o.hold} ms (BYE ${r.byeStatus})` : ''}\n`,
        );
        if (r.media !== null && r.status < 300) {
          process.stdout.write(`${formatMediaReport(r.media)}\n`);
          if (r.media.received.packets === 0)
            process.stdout.write(
              'No audio came back from the called side: check the RTP ports (UDP 10000-20000) and NAT ' +
                '(vsip explain no-audio).\n',
            );
        }
        if (r.status >= 300) {
          process.stdout.write('Look the call up with: vsip calls <trunk_sid> --failed   (cause tells what to fix)\n');
          process.exitCode = 1;
        }
      } finally {
        await s.close();
      }
    });
}

interface CallFlags {
  to?: string;
  readyFile?: string;
  apiUrl?: string;
  transport: string;
  from: string;
  hold: string;
}

/** How long `pstn-sim call` waits for the gateway to answer an OPTIONS before calling. */
const PROBE_MS = 3000;

/**
 * `host:port` of the gateway's carrier side (`--to`, else found), checked with one OPTIONS first:
 * with nothing listening, the INVITE would only fail after its 32 s timer B.
 */
async function gatewayTarget(o: CallFlags, env: Env): Promise<string> {
  const { targetOfUriString } = await import('../sip/index.js');
  const { hostport, sipOptionsPing } = await import('./doctor/sip-options-ping.js');
  const { sipUdpPing } = await import('./doctor/sip-udp-ping.js');
  const { findCarrierSide } = await import('./find-carrier-side.js');
  const transport = o.transport as 'udp' | 'tcp';
  let host: string;
  let port: number;
  let source: string;
  if (o.to !== undefined) {
    const t = targetOfUriString(`sip:${o.to};transport=${transport}`);
    if (t === null) throw new Error(`--to ${o.to} is not host:port`);
    host = t.address;
    port = t.port;
    source = '--to';
  } else {
    ({ host, port, source } = await findCarrierSide({
      transport,
      env,
      ...(o.readyFile !== undefined ? { readyFile: o.readyFile } : {}),
      ...(o.apiUrl !== undefined ? { apiUrl: o.apiUrl } : {}),
    }));
  }
  const ping =
    transport === 'udp'
      ? await sipUdpPing(host, port, PROBE_MS)
      : await sipOptionsPing({ host, port, transport, timeoutMs: PROBE_MS });
  const hp = hostport(host, port);
  if (!ping.answered)
    throw new Error(
      `no SIP server answers at ${hp} over ${transport}: ${ping.error ?? 'no answer'}; that address is from ` +
        `${source}. Is vsip serve running? Start it, or pass --to <host:port> (the carrier side it prints)`,
    );
  return hp;
}
