import type { Command } from 'commander';
import type { SipProtocol } from '../sip/index.js';
import { SPECIAL_NUMBERS } from '../pstn-sim/number-behaviour.js';

/**
 * `vsip pstn-sim`: the built-in PSTN simulator on its own — as a carrier for a gateway started
 * with `--carrier sip:<host>:<port>`, or (`vsip pstn-sim call`) as the PSTN caller of a user's
 * first inbound call through the gateway's carrier side. The simulator and its SIP stack load only
 * when one of these runs, not with every `vsip` command.
 */
export function registerPstnSimCommand(program: Command): void {
  const sim = program
    .command('pstn-sim')
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
        `call +919XXXXXXXXX --to 127.0.0.1:5080`,
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
    .requiredOption('--to <host:port>', "the gateway's carrier-side address, e.g. 127.0.0.1:5080")
    .option('--transport <udp|tcp>', 'transport to the gateway', 'udp')
    .option('--from <caller>', 'caller ID to present', '+14155550100')
    .option('--hold <ms>', 'keep the call up this long before hanging up', '2000')
    .action(async (number: string, o: { to: string; transport: string; from: string; hold: string }) => {
      const { targetOfUriString } = await import('../sip/index.js');
      const { PstnSim } = await import('../pstn-sim/pstn-sim.js');
      const { formatMediaReport } = await import('../pstn-sim/format-media-report.js');
      const target = targetOfUriString(`sip:${o.to};transport=${o.transport}`);
      if (target === null) throw new Error(`--to ${o.to} is not host:port`);
      const s = await PstnSim.start({ host: '127.0.0.1', protocols: [o.transport as SipProtocol], callerId: o.from });
      try {
        process.stdout.write(`calling ${number} via ${o.to} (${o.transport}) from ${o.from}…\n`);
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
