import { useState } from 'preact/hooks';
import type { ApiClient } from '../api-client.js';
import { ConfirmButton } from '../ui/confirm-button.js';
import { ErrorBox, Notice } from '../ui/status.js';
import { message } from '../use-load.js';

/** SIP digest credentials: the password is fetched only when revealed, and can be rotated. */
export function CredentialsSection({ api, sid }: { api: ApiClient; sid: string }) {
  const base = `/trunks/${encodeURIComponent(sid)}/credentials`;
  const [password, setPassword] = useState<string | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [notice, setNotice] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  const fetchPassword = async (method: 'GET' | 'POST', path: string, done: string | null) => {
    setBusy(true);
    setError(null);
    try {
      const r = await api.request<{ username: string; password: string }>(method, path);
      setPassword(r.data.password);
      setNotice(done);
    } catch (err) {
      setError(message(err));
    } finally {
      setBusy(false);
    }
  };

  return (
    <section class="card" aria-labelledby="creds-title">
      <h2 id="creds-title">SIP credentials</h2>
      <dl class="pairs">
        <dt>Username</dt>
        <dd>
          <code>{sid}</code>
        </dd>
        <dt>Password</dt>
        <dd>
          {password === null ? (
            <span>
              <span aria-hidden="true">••••••••••••</span>
              <span class="sr-only">hidden</span>
            </span>
          ) : (
            <code class="secret" data-testid="sip-password">
              {password}
            </code>
          )}
        </dd>
      </dl>
      <div class="row">
        {password === null ? (
          <button type="button" disabled={busy} onClick={() => fetchPassword('GET', base, null)}>
            Reveal password
          </button>
        ) : (
          <button type="button" onClick={() => setPassword(null)}>
            Hide password
          </button>
        )}
        <ConfirmButton
          label="Rotate password"
          question="Rotate? The old password stops working at once; update your PBX."
          confirmLabel="Yes, rotate"
          busy={busy}
          onConfirm={() => fetchPassword('POST', `${base}/rotate`, 'Password rotated: update your PBX with it.')}
        />
      </div>
      <ErrorBox error={error} />
      <Notice text={notice} />
    </section>
  );
}
