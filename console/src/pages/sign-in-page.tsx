import { useState } from 'preact/hooks';
import { ApiClient } from '../api-client.js';
import type { Session } from '../session.js';
import { ErrorBox } from '../ui/status.js';
import { message } from '../use-load.js';

/** Account SID, API key and token, checked against the API before the console opens. */
export function SignInPage({ onSignIn, notice }: { onSignIn: (s: Session) => void; notice?: string | null }) {
  const [error, setError] = useState<string | null>(notice ?? null);
  const [busy, setBusy] = useState(false);

  const submit = async (e: Event) => {
    e.preventDefault();
    const form = new FormData(e.currentTarget as HTMLFormElement);
    const s: Session = {
      accountSid: String(form.get('account_sid') ?? '').trim(),
      apiKey: String(form.get('api_key') ?? '').trim(),
      apiToken: String(form.get('api_token') ?? '').trim(),
    };
    if (!s.accountSid || !s.apiKey || !s.apiToken) {
      setError('enter the account SID, the API key and the API token');
      return;
    }
    setBusy(true);
    setError(null);
    try {
      await new ApiClient(s).get('/trunks', { page_size: 1 });
      onSignIn(s);
    } catch (err) {
      setError(message(err));
      setBusy(false);
    }
  };

  return (
    <main id="main" class="sign-in">
      <h1>Sign in to the vsip console</h1>
      <p>
        Use your account's API credentials (from <code>vsip accounts create</code> or the first start of{' '}
        <code>vsip serve</code>). They stay in this tab only and are cleared when you sign out.
      </p>
      <form onSubmit={submit} class="card stack" aria-describedby="signin-error">
        <label>
          Account SID
          <input name="account_sid" autoComplete="username" required spellcheck={false} />
        </label>
        <label>
          API key
          <input name="api_key" autoComplete="off" required spellcheck={false} />
        </label>
        <label>
          API token
          <input name="api_token" type="password" autoComplete="current-password" required />
        </label>
        <div id="signin-error">
          <ErrorBox error={error} />
        </div>
        <button type="submit" class="primary" disabled={busy}>
          {busy ? 'Signing in…' : 'Sign in'}
        </button>
      </form>
    </main>
  );
}
