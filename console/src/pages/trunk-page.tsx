import type { ApiClient } from '../api-client.js';
import { AliasSection } from '../trunk/alias-section.js';
import { CallLogSection } from '../trunk/call-log-section.js';
import { CredentialsSection } from '../trunk/credentials-section.js';
import { DestinationsSection } from '../trunk/destinations-section.js';
import { DetailsForm } from '../trunk/details-form.js';
import { IpsSection } from '../trunk/ips-section.js';
import { NumbersSection } from '../trunk/numbers-section.js';
import type { Trunk } from '../types.js';
import { ErrorBox, Loading } from '../ui/status.js';
import { useLoad } from '../use-load.js';

/** One trunk: everything the API holds for it, and its call log with each failure explained. */
export function TrunkPage({ api, sid }: { api: ApiClient; sid: string }) {
  const trunk = useLoad(() => api.get<Trunk>(`/trunks/${encodeURIComponent(sid)}`), [api, sid]);
  const t = trunk.data?.data;
  return (
    <>
      <p>
        <a href="#/trunks">← All trunks</a>
      </p>
      <h1>{t ? `Trunk ${t.trunk_name}` : `Trunk ${sid}`}</h1>
      <ErrorBox error={trunk.error}>
        {' '}
        <button type="button" onClick={trunk.reload}>
          Retry
        </button>
      </ErrorBox>
      {trunk.loading && !t && <Loading what="the trunk" />}
      {t && (
        <>
          <p class="sub">
            <code>{t.trunk_sid}</code> · {t.status} · domain <code>{t.domain_name}</code>
          </p>
          <div class="grid">
            <DetailsForm api={api} trunk={t} onSaved={trunk.reload} />
            <NumbersSection api={api} sid={sid} />
            <IpsSection api={api} sid={sid} />
            <DestinationsSection api={api} sid={sid} />
            <CredentialsSection api={api} sid={sid} />
            <AliasSection api={api} sid={sid} />
          </div>
          <CallLogSection api={api} sid={sid} />
        </>
      )}
    </>
  );
}
