import { useEffect, useState } from 'preact/hooks';
import { bulkFailure, type ApiClient } from '../api-client.js';
import type { BulkItem, DestinationUri } from '../types.js';
import { ErrorBox, Loading, Notice } from '../ui/status.js';
import { message, useLoad } from '../use-load.js';

/**
 * Destination URIs in the order the gateway tries them (lowest priority first, RFC 2782 style).
 * Reordering, by dragging or with the Move buttons, rewrites priorities 1..n; weight shares load
 * among equal priorities.
 */
export function DestinationsSection({ api, sid }: { api: ApiClient; sid: string }) {
  const base = `/trunks/${encodeURIComponent(sid)}/destination-uris`;
  const list = useLoad(() => api.get<DestinationUri[]>(base, { page_size: 100 }), [api, sid]);
  const [items, setItems] = useState<DestinationUri[]>([]);
  const [dragging, setDragging] = useState<number | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [notice, setNotice] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  useEffect(() => {
    if (list.data) setItems([...list.data.data].sort((a, b) => a.priority - b.priority || a.weight - b.weight));
  }, [list.data]);

  const run = async (what: () => Promise<void>) => {
    setBusy(true);
    setError(null);
    setNotice(null);
    try {
      await what();
    } catch (err) {
      setError(message(err));
    } finally {
      setBusy(false);
      list.reload();
    }
  };

  const move = (from: number, to: number) =>
    run(async () => {
      if (to < 0 || to >= items.length || from === to) return;
      const next = [...items];
      const [it] = next.splice(from, 1);
      if (!it) return;
      next.splice(to, 0, it);
      setItems(next);
      for (const [i, d] of next.entries())
        if (d.priority !== i + 1) await api.request('PUT', `${base}/${d.id}`, { body: { priority: i + 1 } });
      setNotice(`${it.destination} is now number ${to + 1} of ${next.length}.`);
    });

  const add = (e: Event) => {
    e.preventDefault();
    const formEl = e.currentTarget as HTMLFormElement;
    const f = new FormData(formEl);
    const num = (n: string) => (String(f.get(n) ?? '').trim() === '' ? undefined : Number(f.get(n)));
    return run(async () => {
      const r = await api.request<BulkItem<DestinationUri>[]>('POST', base, {
        body: {
          destinations: [
            {
              destination: String(f.get('destination') ?? '').trim(),
              priority: num('priority'),
              weight: num('weight'),
            },
          ],
        },
      });
      const failed = bulkFailure(r.data);
      if (failed) throw new Error(failed);
      formEl.reset();
      setNotice('Destination added.');
    });
  };

  const setWeight = (d: DestinationUri, weight: number) =>
    run(async () => {
      await api.request('PUT', `${base}/${d.id}`, { body: { weight } });
      setNotice(`${d.destination} weight ${weight}.`);
    });

  return (
    <section class="card" aria-labelledby="dest-title">
      <h2 id="dest-title">Destination URIs</h2>
      <ErrorBox error={list.error} />
      {list.loading && !list.data && <Loading what="destinations" />}
      {list.data && items.length === 0 && <p>No destination: inbound calls have nowhere to go (480).</p>}
      <ol class="items dests">
        {items.map((d, i) => (
          <li
            key={d.id}
            draggable
            class={dragging === i ? 'dragging' : ''}
            onDragStart={(e) => {
              setDragging(i);
              e.dataTransfer?.setData('text/plain', String(i));
            }}
            onDragEnd={() => setDragging(null)}
            onDragOver={(e) => e.preventDefault()}
            onDrop={(e) => {
              e.preventDefault();
              const from = Number(e.dataTransfer?.getData('text/plain') ?? dragging);
              setDragging(null);
              void move(from, i);
            }}
          >
            <span class="handle" aria-hidden="true">
              ⋮⋮
            </span>
            <code>{d.destination}</code>
            <span>priority {d.priority}</span>
            <label class="inline">
              weight
              <input
                class="tiny"
                inputMode="numeric"
                defaultValue={String(d.weight)}
                aria-label={`Weight of ${d.destination}`}
                onChange={(e) => setWeight(d, Number((e.currentTarget as HTMLInputElement).value))}
              />
            </label>
            <button type="button" disabled={busy || i === 0} onClick={() => move(i, i - 1)}>
              Move up <span class="sr-only">{d.destination}</span>
            </button>
            <button type="button" disabled={busy || i === items.length - 1} onClick={() => move(i, i + 1)}>
              Move down <span class="sr-only">{d.destination}</span>
            </button>
            <button
              type="button"
              class="danger"
              disabled={busy}
              onClick={() =>
                run(async () => {
                  await api.request('DELETE', `${base}/${d.id}`);
                  setNotice(`${d.destination} removed.`);
                })
              }
            >
              Remove <span class="sr-only">{d.destination}</span>
            </button>
          </li>
        ))}
      </ol>
      <form class="stack" onSubmit={add} noValidate>
        <label>
          Destination (ip:port;transport=tls|tcp|udp or a sip: URI)
          <input name="destination" placeholder="203.0.113.10:5061;transport=tls" spellcheck={false} />
        </label>
        <div class="row">
          <label>
            Priority
            <input name="priority" inputMode="numeric" placeholder="1" />
          </label>
          <label>
            Weight
            <input name="weight" inputMode="numeric" placeholder="1" />
          </label>
        </div>
        <ErrorBox error={error} />
        <Notice text={notice} />
        <button type="submit" disabled={busy}>
          Add destination
        </button>
      </form>
    </section>
  );
}
