import { PstnSim, type PstnSimOptions } from '../pstn-sim/pstn-sim.js';
import { Lifecycle, SHUTDOWN_LIMIT_MS } from './lifecycle.js';

/**
 * `vsip pstn-sim`: the built-in PSTN simulator as a process of its own, a carrier for a gateway
 * started with `--carrier`. Prints where it listens and, as each call ends, what audio it had;
 * SIGINT/SIGTERM close it and exit.
 */
export async function runPstnSim(options: PstnSimOptions, print: (line: string) => void): Promise<void> {
  const lifecycle = new Lifecycle({
    limitMs: SHUTDOWN_LIMIT_MS,
    onStepError: (err, step) =>
      print(`error while closing ${step}: ${err instanceof Error ? err.message : String(err)}`),
  });
  const sim = await PstnSim.start({ log: print, ...options });
  lifecycle.onClose('pstn-sim', () => sim.close());
  for (const a of sim.addresses())
    print(`pstn-sim listening on ${a.protocol} ${a.address}:${a.port}  (use --carrier ${sim.uri})`);
  lifecycle.exitOnSignals(process, ['SIGINT', 'SIGTERM'], (code) => process.exit(code));
}
