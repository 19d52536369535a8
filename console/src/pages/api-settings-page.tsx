import { useState } from 'preact/hooks';
import type { ApiClient } from '../api-client.js';
import type { Session } from '../session.js';
import { CodeBlock } from '../ui/code-block.js';
import { ConfirmButton } from '../ui/confirm-button.js';
import { ErrorBox } from '../ui/status.js';
import { message } from '../use-load.js';

/**
 * The spec's "API Settings": account SID, API key, base URL, a ready curl, and token rotation.
 * A new token is shown once, here; the console switches to it so the session goes on.
 */
export function ApiSettingsPage({ api, onRotated }: { api: ApiClient; onRotated: (s: Session) => void }) {
  const [newToken, setNewToken] = useState<string | null>(null);
  const [error, setError] = useState<string | null>(null);
  const { accountSid, apiKey } = api.session;
  const base = location.origin;
  const curl = `curl -u "${apiKey}:$VSIP_API_TOKEN" ${base}/v2/accounts/${accountSid}/trunks`;

  const rotate = async () => {
    setError(null);
    try {
      const r = await api.request<{ account_sid: string; api_key: string; api_token: string }>(
        'POST',
        '/api-token/rotate',
      );
      setNewToken(r.data.api_token);
      onRotated({ accountSid: r.data.account_sid, apiKey: r.data.api_key, apiToken: r.data.api_token });
    } catch (err) {
      setError(message(err));
    }
  };

  return (
    <>
      <h1>API settings</h1>
      <section class="card" aria-labelledby="creds-h">
        <h2 id="creds-h">Your API credentials</h2>
        <dl class="pairs">
          <dt>Account SID</dt>
          <dd>
            <code data-testid="account-sid">{accountSid}</code>
          </dd>
          <dt>API key</dt>
          <dd>
            <code data-testid="api-key">{apiKey}</code>
          </dd>
          <dt>API token</dt>
          <dd>{newToken ? 'shown below, once' : 'not shown: it is stored as a hash; rotate to get a new one'}</dd>
          <dt>API base URL</dt>
          <dd>
            <code>{base}</code> (OpenAPI: <a href="/docs">/docs</a>)
          </dd>
        </dl>
        <h3>Try it</h3>
        <CodeBlock
          label="Ready curl command"
          text={`export VSIP_API_TOKEN=<your API token>
${curl}`}
        />
      </section>
      <section class="card" aria-labelledby="rotate-h">
        <h2 id="rotate-h">Rotate the API token</h2>
        <p>
          A new token replaces the current one at once: every script, PBX tool or CLI profile using the old token gets
          401 until it is updated.
        </p>
        <ConfirmButton
          label="Rotate API token"
          question="Rotate the token? The old one stops working now."
          confirmLabel="Yes, rotate the token"
          onConfirm={rotate}
        />
        <ErrorBox error={error} />
        {newToken && (
          <div class="once" role="status">
            <p>
              <strong>Your new API token</strong> (shown only now; copy it):
            </p>
            <CodeBlock label="New API token" text={newToken} testId="new-token" />
            <CodeBlock
              label="Ready curl command with the new token"
              text={`export VSIP_API_TOKEN=${newToken}
${curl}`}
            />
          </div>
        )}
      </section>
    </>
  );
}
