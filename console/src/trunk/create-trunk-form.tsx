import { useState } from 'preact/hooks';
import { ApiFailure, type ApiClient } from '../api-client.js';
import type { Trunk } from '../types.js';
import { ErrorBox } from '../ui/status.js';
import { message } from '../use-load.js';

/**
 * Create Trunk with the API's own validation: the request is the check, and its error
 * description is shown next to the field it names (same rules and words as the API).
 */
export function CreateTrunkForm({ api, onCreated }: { api: ApiClient; onCreated: (t: Trunk) => void }) {
  const [fieldError, setFieldError] = useState<{ field: string; text: string } | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const domain = `${api.session.accountSid}.pstn.exotel.com`;

  const submit = async (e: Event) => {
    e.preventDefault();
    const formEl = e.currentTarget as HTMLFormElement;
    const form = new FormData(formEl);
    setBusy(true);
    setError(null);
    setFieldError(null);
    try {
      const r = await api.request<Trunk>('POST', '/trunks', {
        body: {
          trunk_name: String(form.get('trunk_name') ?? ''),
          nso_code: String(form.get('nso_code') ?? ''),
          domain_name: String(form.get('domain_name') ?? ''),
        },
      });
      formEl.reset();
      onCreated(r.data);
    } catch (err) {
      const field = err instanceof ApiFailure ? err.field : null;
      if (field !== null && ['trunk_name', 'nso_code', 'domain_name'].includes(field)) {
        setFieldError({ field, text: message(err) });
        (formEl.elements.namedItem(field) as HTMLInputElement | null)?.focus();
      } else setError(message(err));
    } finally {
      setBusy(false);
    }
  };

  const input = (name: string, label: string, hint: string, value?: string) => {
    const bad = fieldError?.field === name;
    return (
      <label>
        {label}
        <input
          name={name}
          defaultValue={value}
          aria-invalid={bad}
          aria-describedby={`${name}-hint${bad ? ` ${name}-error` : ''}`}
          spellcheck={false}
        />
        <small id={`${name}-hint`}>{hint}</small>
        {bad && (
          <small id={`${name}-error`} class="field-error">
            {fieldError.text}
          </small>
        )}
      </label>
    );
  };

  return (
    <form class="card stack" onSubmit={submit} aria-labelledby="create-trunk-title" noValidate>
      <h2 id="create-trunk-title">Create a trunk</h2>
      {input('trunk_name', 'Trunk name', '1-16 characters: letters, digits and _')}
      {input('nso_code', 'NSO code', 'OPERATOR-CIRCLE in capitals; ANY-ANY if unsure', 'ANY-ANY')}
      {input('domain_name', 'Domain name', 'your account SID, then the SIP domain', domain)}
      <ErrorBox error={error} />
      <button type="submit" class="primary" disabled={busy}>
        {busy ? 'Creating…' : 'Create trunk'}
      </button>
    </form>
  );
}
