import { useState } from 'preact/hooks';
import type { ApiClient } from '../api-client.js';
import type { WhitelistedIp } from '../types.js';
import { ErrorBox, Loading, Notice } from '../ui/status.js';
import { message, useLoad } from '../use-load.js';

/** Wider than a /16 lets more than 65 536 addresses send calls billed to this trunk. */
const WIDE_MASK = 16;

/**
 * Whitelist IP (Map ACL to Trunk). A range wider than /16 gets a warning; 0.0.0.0/0 (every
 * address on the Internet) is refused unless the box saying so is ticked.
 */
export function IpsSection({ api, sid }: { api: ApiClient; sid: string }) {
  const base = `/trunks/${encodeURIComponent(sid)}/whitelisted-ips`;
  const list = useLoad(() => api.get<WhitelistedIp[]>(base, { page_size: 100 }), [api, sid]);
  const [ip, setIp] = useState('');
  const [mask, setMask] = useState('32');
  const [allowAll, setAllowAll] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [notice, setNotice] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  const maskN = Number(mask);
  const everything = ip.trim() === '0.0.0.0' && mask.trim() === '0';
  const wide = mask.trim() !== '' && Number.isInteger(maskN) && maskN < WIDE_MASK;

  const add = async (e: Event) => {
    e.preventDefault();
    if (everything && !allowAll) {
      setError('0.0.0.0/0 lets every address on the Internet call through this trunk; tick the box to confirm');
      return;
    }
    setBusy(true);
    setError(null);
    setNotice(null);
    try {
      await api.request('POST', base, { body: { ip: ip.trim(), mask: mask.trim() === '' ? undefined : maskN } });
      setNotice(`${ip.trim()}/${mask.trim()} whitelisted.`);
      setIp('');
      setMask('32');
      setAllowAll(false);
      list.reload();
    } catch (err) {
      setError(message(err));
    } finally {
      setBusy(false);
    }
  };

  const remove = async (w: WhitelistedIp) => {
    setError(null);
    try {
      await api.request('DELETE', `${base}/${w.id}`);
      setNotice(`${w.ip}/${w.mask} removed.`);
      list.reload();
    } catch (err) {
      setError(message(err));
    }
  };

  return (
    <section class="card" aria-labelledby="ips-title">
      <h2 id="ips-title">Whitelisted IPs</h2>
      <ErrorBox error={list.error} />
      {list.loading && !list.data && <Loading what="whitelisted IPs" />}
      {list.data && list.data.data.length === 0 && <p>No IP whitelisted: calls from your PBX get 403.</p>}
      <ul class="items">
        {list.data?.data.map((w) => (
          <li key={w.id}>
            <code>
              {w.ip}/{w.mask}
            </code>
            {w.mask < WIDE_MASK && <span class="warn-tag">wide</span>}
            <button type="button" class="danger" onClick={() => remove(w)}>
              Remove <span class="sr-only">{`${w.ip}/${w.mask}`}</span>
            </button>
          </li>
        ))}
      </ul>
      <form class="stack" onSubmit={add} noValidate>
        <div class="row">
          <label class="grow">
            PBX public IP
            <input value={ip} onInput={(e) => setIp((e.currentTarget as HTMLInputElement).value)} inputMode="decimal" />
          </label>
          <label class="narrow">
            Mask
            <input
              value={mask}
              onInput={(e) => setMask((e.currentTarget as HTMLInputElement).value)}
              inputMode="numeric"
              aria-describedby="mask-warning"
            />
          </label>
        </div>
        <div id="mask-warning" aria-live="polite">
          {wide && !everything && (
            <p class="warning">
              /{mask} is wider than /{WIDE_MASK}: {(2 ** (32 - maskN)).toLocaleString('en')} addresses could call
              through this trunk. Whitelist only your PBX's addresses.
            </p>
          )}
          {everything && (
            <label class="check warning">
              <input type="checkbox" checked={allowAll} onChange={(e) => setAllowAll(e.currentTarget.checked)} />I
              understand: 0.0.0.0/0 lets every address on the Internet place calls billed to this trunk
            </label>
          )}
        </div>
        <ErrorBox error={error} />
        <Notice text={notice} />
        <button type="submit" disabled={busy}>
          {busy ? 'Whitelisting…' : 'Whitelist IP'}
        </button>
      </form>
    </section>
  );
}
