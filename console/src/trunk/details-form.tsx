import { useState } from 'preact/hooks';
import { ApiFailure, type ApiClient } from '../api-client.js';
import type { Trunk } from '../types.js';
import { ErrorBox, Notice } from '../ui/status.js';
import { message } from '../use-load.js';

const AUTH_TYPES = ['ip_whitelist', 'credentials', 'ip_whitelist_and_credentials'];

/** Update Trunk: name, NSO code, status, authentication and the per-trunk limits. */
export function DetailsForm({ api, trunk, onSaved }: { api: ApiClient; trunk: Trunk; onSaved: () => void }) {
  const [error, setError] = useState<string | null>(null);
  const [notice, setNotice] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  const submit = async (e: Event) => {
    e.preventDefault();
    const f = new FormData(e.currentTarget as HTMLFormElement);
    const limit = (name: string) => {
      const v = String(f.get(name) ?? '').trim();
      return v === '' ? null : Number(v);
    };
    setBusy(true);
    setError(null);
    setNotice(null);
    try {
      await api.request('PUT', `/trunks/${encodeURIComponent(trunk.trunk_sid)}`, {
        body: {
          trunk_name: String(f.get('trunk_name') ?? ''),
          nso_code: String(f.get('nso_code') ?? ''),
          status: String(f.get('status')),
          auth_type: String(f.get('auth_type')),
          registration_enabled: f.get('registration_enabled') === 'on',
          secure_trunking: f.get('secure_trunking') === 'on',
          max_calls_per_second: limit('max_calls_per_second'),
          max_concurrent_calls: limit('max_concurrent_calls'),
        },
      });
      setNotice('Saved.');
      onSaved();
    } catch (err) {
      setError(err instanceof ApiFailure ? err.description : message(err));
    } finally {
      setBusy(false);
    }
  };

  return (
    <section class="card" aria-labelledby="details-title">
      <h2 id="details-title">Details and limits</h2>
      <form class="stack" onSubmit={submit} noValidate>
        <label>
          Trunk name
          <input name="trunk_name" defaultValue={trunk.trunk_name} spellcheck={false} />
        </label>
        <label>
          NSO code
          <input name="nso_code" defaultValue={trunk.nso_code} spellcheck={false} />
        </label>
        <label>
          Status
          <select name="status" defaultValue={trunk.status}>
            <option value="active">active</option>
            <option value="inactive">inactive</option>
          </select>
        </label>
        <label>
          Authentication
          <select name="auth_type" defaultValue={trunk.auth_type}>
            {AUTH_TYPES.map((a) => (
              <option key={a} value={a}>
                {a}
              </option>
            ))}
          </select>
        </label>
        <label class="check">
          <input type="checkbox" name="registration_enabled" defaultChecked={trunk.registration_enabled} />
          PBX may register (REGISTER)
        </label>
        <label class="check">
          <input type="checkbox" name="secure_trunking" defaultChecked={trunk.secure_trunking} />
          Secure trunking (TLS to destinations)
        </label>
        <label>
          Max calls per second
          <input
            name="max_calls_per_second"
            inputMode="numeric"
            defaultValue={trunk.max_calls_per_second?.toString() ?? ''}
            placeholder="gateway default"
          />
        </label>
        <label>
          Max concurrent calls
          <input
            name="max_concurrent_calls"
            inputMode="numeric"
            defaultValue={trunk.max_concurrent_calls?.toString() ?? ''}
            placeholder="gateway default"
          />
        </label>
        <ErrorBox error={error} />
        <Notice text={notice} />
        <button type="submit" class="primary" disabled={busy}>
          {busy ? 'Saving…' : 'Save details'}
        </button>
      </form>
    </section>
  );
}
