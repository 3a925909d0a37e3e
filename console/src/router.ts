/**
 * Hash routing (`/console/#/manifests/…`): the page is always /console/index.html, so the same
 * build works behind the local gateway and CloudFront with no rewrite rules, and a reload or a
 * shared link opens the same view. Filters live in the hash's query, so they survive a reload
 * and the auto-refresh.
 */
import { useEffect, useState } from 'preact/hooks';

export interface Route {
  /** Path segments after `#/`, decoded: `['manifests', '01abc', 'shipments', 'RR1']`. */
  segments: string[];
  query: URLSearchParams;
}

export function parseHash(hash: string): Route {
  const raw = hash.replace(/^#\/?/, '');
  const [path = '', search = ''] = raw.split('?', 2);
  return {
    segments: path
      .split('/')
      .filter(Boolean)
      .map((segment) => decodeURIComponent(segment)),
    query: new URLSearchParams(search),
  };
}

/** `href(['manifests', id], { status: 'FAILED' })` → `#/manifests/<id>?status=FAILED`. */
export function href(segments: string[], query: Record<string, string | undefined> = {}): string {
  const search = new URLSearchParams();
  for (const [name, value] of Object.entries(query)) if (value) search.set(name, value);
  const qs = search.toString();
  return `#/${segments.map((segment) => encodeURIComponent(segment)).join('/')}${qs ? `?${qs}` : ''}`;
}

export function navigate(target: string, options: { replace?: boolean } = {}): void {
  if (options.replace) {
    history.replaceState(history.state, '', target);
    // replaceState fires no hashchange: tell the router ourselves.
    window.dispatchEvent(new HashChangeEvent('hashchange'));
  } else {
    location.hash = target.replace(/^#/, '');
  }
}

export function useRoute(): Route {
  const [route, setRoute] = useState(() => parseHash(location.hash));
  useEffect(() => {
    const onChange = () => setRoute(parseHash(location.hash));
    window.addEventListener('hashchange', onChange);
    return () => window.removeEventListener('hashchange', onChange);
  }, []);
  return route;
}
