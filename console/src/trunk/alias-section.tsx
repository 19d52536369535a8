import { useState } from 'preact/hooks';
import { bulkFailure, type ApiClient } from '../api-client.js';
import type { BulkItem, Setting } from '../types.js';
import { ErrorBox, Loading, Notice } from '../ui/status.js';
import { message, useLoad } from '../use-load.js';

const ALIAS = 'trunk_external_alias';

/** Set Trunk Alias: the caller ID the gateway puts on this trunk's outgoing calls. */
export function AliasSection({ api, sid }: { api: ApiClient; sid: string }) {
  const base = `/trunks/${encodeURIComponent(sid)}/settings`;
  const list = useLoad(() => api.get<Setting[]>(base), [api, sid]);
  const current = list.data?.data.find((s) => s.name === ALIAS)?.value ?? null;
  const [error, setError] = useState<string | null>(null);
  const [notice, setNotice] = useState<string | null>(null);

  const run = async (what: () => Promise<void>) => {
    setError(null);
    setNotice(null);
    try {
      await what();
      list.reload();
    } catch (err) {
      setError(message(err));
    }
  };

  const save = (e: Event) => {
    e.preventDefault();
    const value = String(new FormData(e.currentTarget as HTMLFormElement).get('alias') ?? '').trim();
    return run(async () => {
      const r = await api.request<BulkItem<Setting>[]>('POST', base, { body: { settings: [{ name: ALIAS, value }] } });
      const failed = bulkFailure(r.data);
      if (failed) throw new Error(failed);
      setNotice(`Alias set to ${value}.`);
    });
  };

  return (
    <section class="card" aria-labelledby="alias-title">
      <h2 id="alias-title">Alias (external caller ID)</h2>
      <ErrorBox error={list.error} />
      {list.loading && !list.data && <Loading what="settings" />}
      {list.data && (
        <p>
          {current ? (
            <>
              Current alias: <code>{current}</code>
            </>
          ) : (
            'No alias: callers see the PBX caller ID.'
          )}
        </p>
      )}
      <form class="stack" onSubmit={save} noValidate>
        <label>
          Alias (E.164)
          <input name="alias" key={current ?? ''} defaultValue={current ?? ''} placeholder="+14155550100" />
        </label>
        <ErrorBox error={error} />
        <Notice text={notice} />
        <div class="row">
          <button type="submit">Set alias</button>
          {current && (
            <button
              type="button"
              class="danger"
              onClick={() =>
                run(async () => {
                  await api.request('DELETE', base, { query: { name: ALIAS } });
                  setNotice('Alias removed.');
                })
              }
            >
              Remove alias
            </button>
          )}
        </div>
      </form>
    </section>
  );
}
