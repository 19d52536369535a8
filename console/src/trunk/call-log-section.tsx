import { useEffect, useState } from 'preact/hooks';
import type { ApiClient } from '../api-client.js';
import type { CallRecord } from '../types.js';
import { ErrorBox, Loading } from '../ui/status.js';
import { useLoad } from '../use-load.js';

const REFRESH_MS = 5000;
const PAGE = 50;

/**
 * The trunk's call log, newest first, refreshed every few seconds. The result filter is the
 * API's; cause and time narrow the page shown. Each failed call carries the API's explanation.
 */
export function CallLogSection({ api, sid }: { api: ApiClient; sid: string }) {
  const [result, setResult] = useState<'all' | 'failed' | 'completed'>('all');
  const [cause, setCause] = useState('');
  const [since, setSince] = useState('');
  const [auto, setAuto] = useState(true);
  const [offset, setOffset] = useState(0);
  const calls = useLoad(
    () => api.get<CallRecord[]>(`/trunks/${encodeURIComponent(sid)}/calls`, { result, offset, page_size: PAGE }),
    [api, sid, result, offset],
  );
  const { reload } = calls;
  useEffect(() => {
    if (!auto) return;
    const t = setInterval(reload, REFRESH_MS);
    return () => clearInterval(t);
  }, [auto, reload]);

  const all = calls.data?.data ?? [];
  const causes = [...new Set(all.map((c) => c.cause).filter((c): c is string => c !== null))].sort();
  const sinceMs = since === '' ? null : new Date(since).getTime();
  const shown = all.filter(
    (c) => (cause === '' || c.cause === cause) && (sinceMs === null || new Date(c.started_at).getTime() >= sinceMs),
  );
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
          <select value={cause} onChange={(e) => setCause((e.currentTarget as HTMLSelectElement).value)}>
            <option value="">any</option>
            {causes.map((c) => (
              <option key={c} value={c}>
                {c}
              </option>
            ))}
          </select>
        </label>
        <label>
          Since
          <input
            type="datetime-local"
            value={since}
            onInput={(e) => setSince((e.currentTarget as HTMLInputElement).value)}
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
      {calls.data && shown.length === 0 && <p>No calls {all.length > 0 ? 'match these filters' : 'yet'}.</p>}
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
