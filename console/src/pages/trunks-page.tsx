import { useEffect, useState } from 'preact/hooks';
import type { ApiClient } from '../api-client.js';
import { CreateTrunkForm } from '../trunk/create-trunk-form.js';
import type { Trunk } from '../types.js';
import { ConfirmButton } from '../ui/confirm-button.js';
import { ErrorBox, Loading, Notice } from '../ui/status.js';
import { message, useLoad } from '../use-load.js';
import { go } from '../use-route.js';

const PAGE = 20;

/** The account's trunks: paged, searchable by name or SID (the API's ?search=), created and deleted here. */
export function TrunksPage({ api }: { api: ApiClient }) {
  const [search, setSearch] = useState('');
  // Typing asks the API once the user pauses, not on every key (each request counts against the
  // account's rate limit).
  const [query, setQuery] = useState('');
  useEffect(() => {
    const t = setTimeout(() => setQuery(search.trim()), 250);
    return () => clearTimeout(t);
  }, [search]);
  const [offset, setOffset] = useState(0);
  const [notice, setNotice] = useState<string | null>(null);
  const [error, setError] = useState<string | null>(null);
  const list = useLoad(
    () => api.get<Trunk[]>('/trunks', { page_size: PAGE, offset, search: query || undefined }),
    [api, offset, query],
  );
  const meta = list.data?.metadata;

  const remove = async (t: Trunk) => {
    setError(null);
    try {
      await api.request('DELETE', `/trunks/${encodeURIComponent(t.trunk_sid)}`);
      setNotice(`Deleted trunk ${t.trunk_name} (${t.trunk_sid}).`);
      list.reload();
    } catch (err) {
      setError(message(err));
    }
  };

  return (
    <>
      <h1>Trunks</h1>
      <div class="columns">
        <section aria-labelledby="list-title" class="grow">
          <h2 id="list-title">Your trunks</h2>
          <div class="row">
            <label>
              Search by name or SID
              <input
                type="search"
                value={search}
                onInput={(e) => {
                  setSearch((e.currentTarget as HTMLInputElement).value);
                  setOffset(0);
                }}
              />
            </label>
          </div>
          <Notice text={notice} />
          <ErrorBox error={error} />
          <ErrorBox error={list.error}>
            {' '}
            <button type="button" onClick={list.reload}>
              Retry
            </button>
          </ErrorBox>
          {list.loading && !list.data && <Loading what="trunks" />}
          {list.data && list.data.data.length === 0 && (
            <p>{query ? `No trunk matches “${query}”.` : 'No trunks yet: create one, or follow First call.'}</p>
          )}
          {list.data && list.data.data.length > 0 && (
            <div class="table-wrap">
              <table>
                <caption class="sr-only">Trunks, page {Math.floor(offset / PAGE) + 1}</caption>
                <thead>
                  <tr>
                    <th scope="col">Name</th>
                    <th scope="col">Trunk SID</th>
                    <th scope="col">Status</th>
                    <th scope="col">Actions</th>
                  </tr>
                </thead>
                <tbody>
                  {list.data.data.map((t) => (
                    <tr key={t.trunk_sid}>
                      <td>
                        <a href={`#/trunks/${t.trunk_sid}`}>{t.trunk_name}</a>
                      </td>
                      <td>
                        <code>{t.trunk_sid}</code>
                      </td>
                      <td>{t.status}</td>
                      <td>
                        <ConfirmButton
                          label={`Delete ${t.trunk_name}`}
                          question={`Delete ${t.trunk_name} and its numbers, IPs, destinations and credentials?`}
                          confirmLabel="Yes, delete"
                          onConfirm={() => remove(t)}
                        />
                      </td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </div>
          )}
          {meta && meta.total > PAGE && (
            <nav class="row" aria-label="Pages">
              <button type="button" disabled={offset === 0} onClick={() => setOffset(Math.max(0, offset - PAGE))}>
                Previous
              </button>
              <span>
                {offset + 1}–{offset + meta.count} of {meta.total}
              </span>
              <button type="button" disabled={meta.next_page_uri === null} onClick={() => setOffset(offset + PAGE)}>
                Next
              </button>
            </nav>
          )}
        </section>
        <CreateTrunkForm api={api} onCreated={(t) => go(`/trunks/${t.trunk_sid}`)} />
      </div>
    </>
  );
}
