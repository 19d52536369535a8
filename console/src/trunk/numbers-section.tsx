import { useState } from 'preact/hooks';
import type { ApiClient } from '../api-client.js';
import type { PhoneNumber } from '../types.js';
import { ErrorBox, Loading, Notice } from '../ui/status.js';
import { message, useLoad } from '../use-load.js';

/** Map Phone Number, one or many (one request each, answered one by one), mode, remove. */
export function NumbersSection({ api, sid }: { api: ApiClient; sid: string }) {
  const base = `/trunks/${encodeURIComponent(sid)}/phone-numbers`;
  const list = useLoad(() => api.get<PhoneNumber[]>(base, { page_size: 100 }), [api, sid]);
  const [error, setError] = useState<string | null>(null);
  const [notice, setNotice] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  const add = async (e: Event) => {
    e.preventDefault();
    const formEl = e.currentTarget as HTMLFormElement;
    const f = new FormData(formEl);
    const numbers = String(f.get('numbers') ?? '')
      .split(/[\s,;]+/)
      .filter((n) => n !== '');
    if (numbers.length === 0) return setError('enter one or more numbers in E.164, e.g. +919876543210');
    setBusy(true);
    setError(null);
    setNotice(null);
    const failed: string[] = [];
    let added = 0;
    for (const phone_number of numbers) {
      try {
        await api.request('POST', base, { body: { phone_number, mode: String(f.get('mode')) } });
        added++;
      } catch (err) {
        failed.push(`${phone_number}: ${message(err)}`);
      }
    }
    setBusy(false);
    if (failed.length > 0) setError(failed.join('; '));
    else formEl.reset();
    setNotice(`${added} of ${numbers.length} mapped.`);
    list.reload();
  };

  const act = async (what: () => Promise<unknown>, done: string) => {
    setError(null);
    try {
      await what();
      setNotice(done);
      list.reload();
    } catch (err) {
      setError(message(err));
    }
  };

  return (
    <section class="card" aria-labelledby="numbers-title">
      <h2 id="numbers-title">Phone numbers</h2>
      <ErrorBox error={list.error} />
      {list.loading && !list.data && <Loading what="numbers" />}
      {list.data && list.data.data.length === 0 && <p>No number mapped: calls cannot use this trunk yet.</p>}
      <ul class="items">
        {list.data?.data.map((n) => (
          <li key={n.id}>
            <code>{n.phone_number}</code>
            <label class="inline">
              <span class="sr-only">Mode of {n.phone_number}</span>
              <select
                value={n.mode}
                onChange={(e) =>
                  act(
                    () =>
                      api.request('PUT', `${base}/${n.id}`, {
                        body: { mode: (e.currentTarget as HTMLSelectElement).value },
                      }),
                    `${n.phone_number} mode changed.`,
                  )
                }
              >
                <option value="pstn">pstn</option>
                <option value="flow">flow</option>
              </select>
            </label>
            <button
              type="button"
              class="danger"
              onClick={() => act(() => api.request('DELETE', `${base}/${n.id}`), `${n.phone_number} removed.`)}
            >
              Remove <span class="sr-only">{n.phone_number}</span>
            </button>
          </li>
        ))}
      </ul>
      <form class="stack" onSubmit={add}>
        <label>
          Numbers to map (E.164; one or many, separated by spaces, commas or new lines)
          <textarea name="numbers" rows={2} placeholder="+919876543210" spellcheck={false} />
        </label>
        <label>
          Mode
          <select name="mode" defaultValue="pstn">
            <option value="pstn">pstn</option>
            <option value="flow">flow</option>
          </select>
        </label>
        <ErrorBox error={error} />
        <Notice text={notice} />
        <button type="submit" disabled={busy}>
          {busy ? 'Mapping…' : 'Map numbers'}
        </button>
      </form>
    </section>
  );
}
