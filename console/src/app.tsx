import { useEffect, useMemo, useRef, useState } from 'preact/hooks';
import { ApiClient } from './api-client.js';
import { ApiSettingsPage } from './pages/api-settings-page.js';
import { FirstCallPage } from './pages/first-call-page.js';
import { SignInPage } from './pages/sign-in-page.js';
import { TrunkPage } from './pages/trunk-page.js';
import { TrunksPage } from './pages/trunks-page.js';
import { clearSession, loadSession, saveSession, type Session } from './session.js';
import { type Route, useRoute } from './use-route.js';

const TITLES: Record<Route['page'], string> = {
  trunks: 'Trunks',
  trunk: 'Trunk',
  'first-call': 'First call',
  settings: 'API settings',
  'not-found': 'Not found',
};

export function App() {
  const [session, setSession] = useState<Session | null>(() => loadSession());
  const route = useRoute();
  const [ended, setEnded] = useState<string | null>(null);
  const api = useMemo(
    () =>
      session
        ? new ApiClient(session, (why) => {
            clearSession();
            setSession(null);
            setEnded(`Your credentials stopped working (${why}); was the token rotated? Sign in again.`);
          })
        : null,
    [session],
  );
  const main = useRef<HTMLElement>(null);

  useEffect(() => {
    document.title = session ? `${TITLES[route.page]} · vsip console` : 'Sign in · vsip console';
  }, [route, session]);

  const signIn = (s: Session) => {
    saveSession(s);
    setEnded(null);
    setSession(s);
  };
  const signOut = () => {
    clearSession();
    setSession(null);
    location.hash = '/';
  };

  if (!session || !api) return <SignInPage onSignIn={signIn} notice={ended} />;

  const current = (page: Route['page']) => (route.page === page ? { 'aria-current': 'page' as const } : {});
  return (
    <>
      <button type="button" class="skip-link" onClick={() => main.current?.focus()}>
        Skip to content
      </button>
      <header class="top">
        <span class="brand">vsip</span>
        <nav aria-label="Main">
          <a href="#/trunks" {...current(route.page === 'trunk' ? 'trunk' : 'trunks')}>
            Trunks
          </a>
          <a href="#/first-call" {...current('first-call')}>
            First call
          </a>
          <a href="#/settings" {...current('settings')}>
            API settings
          </a>
        </nav>
        <span class="account" title="Signed-in account">
          {session.accountSid}
        </span>
        <button type="button" onClick={signOut}>
          Sign out
        </button>
      </header>
      <main id="main" ref={main} tabIndex={-1}>
        {route.page === 'trunks' && <TrunksPage api={api} />}
        {route.page === 'trunk' && <TrunkPage api={api} sid={route.sid} />}
        {route.page === 'first-call' && <FirstCallPage api={api} />}
        {route.page === 'settings' && <ApiSettingsPage api={api} onRotated={signIn} />}
        {route.page === 'not-found' && (
          <>
            <h1>Not found</h1>
            <p>
              Nothing at <code>{route.path}</code>. <a href="#/trunks">Go to the trunks</a>.
            </p>
          </>
        )}
      </main>
    </>
  );
}
