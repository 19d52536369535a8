import { useEffect, useState } from 'preact/hooks';

export type Route =
  | { page: 'trunks' }
  | { page: 'trunk'; sid: string }
  | { page: 'first-call' }
  | { page: 'settings' }
  | { page: 'not-found'; path: string };

/** Hash routes (`#/trunks/TR…`): the server serves one page, and nothing secret is ever in a path. */
export function parseRoute(hash: string): Route {
  const path = hash.replace(/^#/, '') || '/';
  if (path === '/' || path === '/trunks') return { page: 'trunks' };
  const trunk = /^\/trunks\/([A-Za-z0-9_-]{1,64})$/.exec(path);
  if (trunk?.[1]) return { page: 'trunk', sid: trunk[1] };
  if (path === '/first-call') return { page: 'first-call' };
  if (path === '/settings') return { page: 'settings' };
  return { page: 'not-found', path };
}

export function useRoute(): Route {
  const [route, setRoute] = useState(() => parseRoute(location.hash));
  useEffect(() => {
    const on = () => setRoute(parseRoute(location.hash));
    addEventListener('hashchange', on);
    return () => removeEventListener('hashchange', on);
  }, []);
  return route;
}

export function go(path: string): void {
  location.hash = path;
}
