import { useEffect, useState } from 'preact/hooks';
import type { ApiClient } from '../api-client.js';
import type { CallRecord } from '../types.js';
import { ErrorBox, Loading } from '../ui/status.js';
import { useLoad } from '../use-load.js';

const REFRESH_MS = 5000;
const PAGE = 50;

/** `datetime-local` is the browser's local time; the API takes ISO-8601 UTC. */
function isoOrUndefined(local: string): string | undefined {
  const t = new Date(local);
  return local === '' || Number.isNaN(t.getTime()) ? undefined : t.toISOString();
}

/**
 * The trunk's call log, newest first, refreshed every few seconds, filtered by the API (result,
 * cause, time). Each failed call carries the API's explanation and fix.
 */
export function CallLogSection({ api, sid }: { api: ApiClient; sid: string }) {
  const [result, setResult] = useState<'all' | 'failed' | 'completed'>('all');
  const [cause, setCause] = useState('');
  const [since, setSince] = useState('');
  const [until, setUntil] = useState('');
  const [seen, setSeen] = useState<string[]>([]);
  const [auto, setAuto] = useState(true);
  const [offset, setOffset] = useState(0);
  const calls = useLoad(
    () =>
      api.get<CallRecord[]>(`/trunks/${encodeURIComponent(sid)}/calls`, {
        result,
        offset,
        page_size: PAGE,
        cause: cause.trim() || undefined,
        from: isoOrUndefined(since),
        to: isoOrUndefined(until),
      }),
    [api, sid, result, offset, cause, since, until],
  );
  const { reload } = calls;
  useEffect(() => {
    if (!auto) return;
    const t = setInterval(reload, REFRESH_MS);
    return () => clearInterval(t);
  }, [auto, reload]);

  const shown = calls.data?.data ?? [];
  // Causes seen so far, offered as suggestions for the cause filter.
  useEffect(() => {
    const now = shown.map((c) => c.cause).filter((c): c is string => c !== null);
    if (now.some((c) => !seen.includes(c))) setSeen([...new Set([...seen, ...now])].sort());
  }, [shown, seen]);
  const filtered = result !== 'all' || cause !== '' || since !== '' || until !== '';
  const meta = calls.data?.metadata;

  return (
    <section aria-labelledby="calls-title" class="calls">
      <h2 id="calls-title">Call log</h2>
      <div class="row filters">
        <label>
          Result
          <select
            value={result}
            onChange={(e) => {
              setResult((e.currentTarget as HTMLSelectElement).value as typeof result);
              setOffset(0);
            }}
          >
            <option value="all">all</option>
            <option value="failed">failed</option>
            <option value="completed">completed</option>
          </select>
        </label>
        <label>
          Cause
          <input
            list="call-causes"
            value={cause}
            placeholder="any"
            class="short"
            onChange={(e) => {
              setCause((e.currentTarget as HTMLInputElement).value);
              setOffset(0);
            }}
          />
          <datalist id="call-causes">
            {seen.map((c) => (
              <option key={c} value={c} />
            ))}
          </datalist>
        </label>
        <label>
          Since
          <input
            type="datetime-local"
            value={since}
            onChange={(e) => {
              setSince((e.currentTarget as HTMLInputElement).value);
              setOffset(0);
            }}
          />
        </label>
        <label>
          Until
          <input
            type="datetime-local"
            value={until}
            onChange={(e) => {
              setUntil((e.currentTarget as HTMLInputElement).value);
              setOffset(0);
            }}
          />
        </label>
        <label class="check">
          <input type="checkbox" checked={auto} onChange={(e) => setAuto(e.currentTarget.checked)} />
          Auto-refresh
        </label>
        <button type="button" onClick={reload}>
          Refresh now
        </button>
      </div>
      <ErrorBox error={calls.error} />
      {calls.loading && !calls.data && <Loading what="calls" />}
      {calls.data && shown.length === 0 && <p>{filtered ? 'No calls match these filters.' : 'No calls yet.'}</p>}
      <ul class="call-list" aria-live="polite">
        {shown.map((c) => (
          <li key={c.id} class={c.explanation ? 'failed' : 'ok'} data-call-id={c.call_id}>
            <div class="call-head">
              <strong>{c.final_code ?? '…'}</strong> <span>{c.cause ?? 'in progress'}</span>
              <span>
                {c.direction} {c.caller ?? '?'} → {c.callee ?? '?'}
              </span>
              <span>from {c.source_ip}</span>
              <time dateTime={c.started_at}>
                {new Date(c.started_at).toLocaleString('en-GB', { timeZone: 'UTC' })} UTC
              </time>
              {c.duration_ms !== null && <span>{(c.duration_ms / 1000).toFixed(1)} s</span>}
            </div>
            {c.explanation && (
              <div class="explain">
                <p>
                  <strong>{c.explanation.meaning}.</strong> Why: {c.explanation.explanation}
                </p>
                <p>
                  <strong>Fix:</strong> {c.explanation.fix}
                </p>
              </div>
            )}
          </li>
        ))}
      </ul>
      {meta && meta.total > PAGE && (
        <nav class="row" aria-label="Call log pages">
          <button type="button" disabled={offset === 0} onClick={() => setOffset(Math.max(0, offset - PAGE))}>
            Newer
          </button>
          <span>
            {offset + 1}–{offset + meta.count} of {meta.total}
          </span>
          <button type="button" disabled={meta.next_page_uri === null} onClick={() => setOffset(offset + PAGE)}>
            Older
          </button>
        </nav>
      )}
    </section>
  );
}
