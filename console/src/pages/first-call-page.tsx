import { useState } from 'preact/hooks';
import { asteriskSnippet } from '../../../src/cli/pbx/asterisk-snippet.js';
import { freeswitchSnippet } from '../../../src/cli/pbx/freeswitch-snippet.js';
import { pbxSettings, pbxSettingsRows, type PbxSettings } from '../../../src/cli/pbx/pbx-settings.js';
import type { ApiClient } from '../api-client.js';
import { CodeBlock } from '../ui/code-block.js';
import { DoctorPanel } from '../trunk/doctor-panel.js';
import type { PhoneNumber, Trunk } from '../types.js';
import { ErrorBox, Notice } from '../ui/status.js';
import { message } from '../use-load.js';

interface Health {
  sip: Array<{ side: string; protocol: string; address: string; port: number }>;
}

interface Done {
  trunk: Trunk;
  number: string;
  pbxIp: string;
  settings: PbxSettings;
}

/**
 * The spec's quickstart as one guided form (what `vsip quickstart termination` does): create the
 * trunk, map a number, whitelist the PBX; then the filled "Configure Your PBX" table and the
 * Asterisk / FreeSWITCH snippets (the CLI's own generators), and the doctor checks run live.
 */
export function FirstCallPage({ api }: { api: ApiClient }) {
  const [step, setStep] = useState<string | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [done, setDone] = useState<Done | null>(null);

  const submit = async (e: Event) => {
    e.preventDefault();
    const f = new FormData(e.currentTarget as HTMLFormElement);
    const name = String(f.get('trunk_name') ?? '').trim();
    const number = String(f.get('number') ?? '').trim();
    const pbxIp = String(f.get('pbx_ip') ?? '').trim();
    setError(null);
    setDone(null);
    try {
      setStep('Step 1 of 3: creating the trunk…');
      const trunk = (
        await api.request<Trunk>('POST', '/trunks', {
          body: { trunk_name: name, nso_code: 'ANY-ANY', domain_name: `${api.session.accountSid}.pstn.exotel.com` },
        })
      ).data;
      const sid = encodeURIComponent(trunk.trunk_sid);
      setStep('Step 2 of 3: mapping the number…');
      await api.request<PhoneNumber>('POST', `/trunks/${sid}/phone-numbers`, { body: { phone_number: number } });
      setStep('Step 3 of 3: whitelisting the PBX…');
      await api.request('POST', `/trunks/${sid}/whitelisted-ips`, { body: { ip: pbxIp, mask: 32 } });
      const creds = await api.request<{ password: string }>('GET', `/trunks/${sid}/credentials`);
      const health = (await (await fetch('/health', { cache: 'no-store' })).json()) as Health;
      const port = (protocol: string, fallback: number) =>
        health.sip.find((l) => l.side === 'access' && l.protocol === protocol)?.port ?? fallback;
      const settings = pbxSettings({
        accountSid: api.session.accountSid,
        domainName: trunk.domain_name,
        gatewayHost: location.hostname,
        sipPort: port('tcp', 5060),
        sipsPort: port('tls', 5061),
        trunkSid: trunk.trunk_sid,
        password: creds.data.password,
        callerId: number,
      });
      setDone({ trunk, number, pbxIp, settings });
      setStep(null);
    } catch (err) {
      setError(`${step ?? ''} ${message(err)}`.trim());
      setStep(null);
    }
  };

  return (
    <>
      <h1>First call</h1>
      <p>
        Three steps from nothing to a trunk your PBX can call through, then the settings to paste into the PBX and live
        checks from the server.
      </p>
      <form class="card stack" onSubmit={submit} aria-labelledby="qs-title" noValidate>
        <h2 id="qs-title">Quickstart: PBX → PSTN (termination)</h2>
        <label>
          1. Trunk name
          <input name="trunk_name" defaultValue="first_trunk" spellcheck={false} />
        </label>
        <label>
          2. Your phone number (E.164, the caller ID your PBX sends)
          <input name="number" defaultValue="" placeholder="+919876543210" spellcheck={false} />
        </label>
        <label>
          3. Your PBX public IP (whitelisted as /32)
          <input name="pbx_ip" defaultValue="" placeholder="203.0.113.10" inputMode="decimal" />
        </label>
        <ErrorBox error={error} />
        <Notice text={step} />
        <button type="submit" class="primary" disabled={step !== null}>
          Create trunk, map number, whitelist PBX
        </button>
      </form>
      {done && (
        <>
          <section class="card" aria-labelledby="pbx-title">
            <h2 id="pbx-title">Configure your PBX</h2>
            <p>
              Trunk <a href={`#/trunks/${done.trunk.trunk_sid}`}>{done.trunk.trunk_name}</a> is ready.
            </p>
            <table class="settings-table">
              <thead>
                <tr>
                  <th scope="col">Setting</th>
                  <th scope="col">Value</th>
                </tr>
              </thead>
              <tbody>
                {pbxSettingsRows(done.settings).map(([k, v]) => (
                  <tr key={k}>
                    <th scope="row">{k}</th>
                    <td>
                      <code>{v}</code>
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
            <h3>Asterisk (pjsip.conf)</h3>
            <CodeBlock label="Asterisk configuration" text={asteriskSnippet(done.settings)} />
            <h3>FreeSWITCH (sip_profiles/external/vsip.xml)</h3>
            <CodeBlock label="FreeSWITCH configuration" text={freeswitchSnippet(done.settings)} />
          </section>
          <DoctorPanel api={api} sid={done.trunk.trunk_sid} pbxIp={done.pbxIp} number={done.number} />
        </>
      )}
    </>
  );
}
