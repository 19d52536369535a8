import { useState } from 'preact/hooks';
import type { ApiClient } from '../api-client.js';
import { ErrorBox, Loading } from '../ui/status.js';
import { message } from '../use-load.js';

interface Check {
  n: number;
  id: string;
  check: string;
  status: 'pass' | 'fail' | 'skip' | 'warn';
  detail: string;
  fix: string | null;
}

interface Report {
  passed: boolean;
  checks: Check[];
}

const ICON = { pass: '✓', fail: '✗', skip: '–', warn: '!' } as const;

/** The first-call checklist, run by the server (POST /trunks/{sid}/doctor) with live results. */
export function DoctorPanel({
  api,
  sid,
  pbxIp,
  number,
}: {
  api: ApiClient;
  sid: string;
  pbxIp?: string;
  number?: string;
}) {
  const [report, setReport] = useState<Report | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  const run = async () => {
    setBusy(true);
    setError(null);
    try {
      const body: Record<string, string> = {};
      if (pbxIp) body.pbx_ip = pbxIp;
      if (number) body.number = number;
      setReport((await api.request<Report>('POST', `/trunks/${encodeURIComponent(sid)}/doctor`, { body })).data);
    } catch (err) {
      setError(message(err));
    } finally {
      setBusy(false);
    }
  };

  return (
    <section class="card" aria-labelledby="doctor-title">
      <h2 id="doctor-title">Checks (vsip doctor, run by the server)</h2>
      <button type="button" class="primary" onClick={run} disabled={busy}>
        {report ? 'Run the checks again' : 'Run the checks'}
      </button>
      {busy && <Loading what="check results (the server probes the gateway)" />}
      <ErrorBox error={error} />
      {report && (
        <>
          <p role="status" class={report.passed ? 'pass' : 'fail'}>
            {report.passed ? 'All checks passed: place your first call.' : 'Some checks failed: see the fixes below.'}
          </p>
          <ol class="checks">
            {report.checks.map((c) => (
              <li key={c.id} class={c.status} data-check={c.id}>
                <span class="icon" aria-hidden="true">
                  {ICON[c.status]}
                </span>{' '}
                <strong>{c.check}</strong> <span class="status">{c.status}</span>
                <div class="detail">{c.detail}</div>
                {c.fix && (
                  <div class="fix">
                    <strong>Fix:</strong> {c.fix}
                  </div>
                )}
              </li>
            ))}
          </ol>
        </>
      )}
    </section>
  );
}
