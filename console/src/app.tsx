/**
 * The console: sign-in, then a header with the navigation and the page the hash names.
 */
import { useCallback, useEffect, useState } from 'preact/hooks';
import type { ConsoleConfig } from './config.ts';
import { AlertsPage } from './pages/alerts.tsx';
import { BoardPage } from './pages/board.tsx';
import { DriverListPage } from './pages/driver-list.tsx';
import { ManifestPage } from './pages/manifest.tsx';
import { ShipmentLookupPage, ShipmentPage } from './pages/shipment.tsx';
import { SignInPage } from './pages/sign-in.tsx';
import { StatementPage } from './pages/statement.tsx';
import { href, type Route, useRoute } from './router.ts';
import { forgetSession, storedKey, storeKey } from './session.ts';
import { type Session, SessionContext } from './session-context.ts';
import { verifyKey } from './sign-in.ts';

export function App({ config }: { config: ConsoleConfig }) {
  const [session, setSession] = useState<Session>();
  const [restoring, setRestoring] = useState(() => storedKey() !== undefined);
  const [message, setMessage] = useState<string>();
  const route = useRoute();

  const signOut = useCallback((why?: string) => {
    forgetSession();
    setSession(undefined);
    setMessage(why);
  }, []);

  const signIn = useCallback(
    async (key: string) => {
      const verified = await verifyKey(config.apiUrl, key, () =>
        signOut('Your key is no longer accepted (revoked?). Sign in again.'),
      );
      storeKey(key);
      setMessage(undefined);
      setSession(verified);
    },
    [config.apiUrl, signOut],
  );

  // A reload keeps the session: the stored key is checked again.
  useEffect(() => {
    const key = storedKey();
    if (!key) return;
    signIn(key)
      .catch(() => signOut('Sign in again.'))
      .finally(() => setRestoring(false));
  }, [signIn, signOut]);

  // Each new page starts at the top, with its heading announced.
  const page = route.segments.slice(0, 3).join('/');
  useEffect(() => {
    window.scrollTo(0, 0);
    document.querySelector<HTMLElement>('main h1')?.focus();
  }, [page, session]);

  if (restoring) return <p class="muted">Signing in…</p>;
  if (!session)
    return <SignInPage apiUrl={config.apiUrl} onSubmit={signIn} {...(message ? { message } : {})} />;

  return (
    <SessionContext.Provider value={session}>
      <button type="button" class="skip-link" onClick={skipToMain}>
        Skip to content
      </button>
      <header class="site-header">
        <a class="brand" href={href([])}>
          voec-border <span>operations console</span>
        </a>
        <nav aria-label="Main">
          <ul>
            <NavLink route={route} to={[]} label="Border board" match={['', 'manifests', 'shipments']} />
            <NavLink route={route} to={['alerts']} label="Alerts" match={['alerts']} />
            <NavLink route={route} to={['statements']} label="VOEC seller statement" match={['statements']} />
          </ul>
        </nav>
        <div class="who">
          <span>
            {session.me.role === 'operator' ? 'Operator' : 'Partner'}
            {session.me.partnerId ? ` ${session.me.partnerId}` : ''}
          </span>
          <button type="button" class="secondary" onClick={() => signOut('You are signed out.')}>
            Sign out
          </button>
        </div>
      </header>
      <main id="main">
        <CurrentPage route={route} />
      </main>
    </SessionContext.Provider>
  );
}

/** A button, not a `#main` link: the hash is the router's. */
function skipToMain() {
  document.querySelector<HTMLElement>('main h1')?.focus();
}

function NavLink({
  route,
  to,
  label,
  match,
}: {
  route: Route;
  to: string[];
  label: string;
  match: string[];
}) {
  const current = match.includes(route.segments[0] ?? '');
  return (
    <li>
      <a href={href(to)} aria-current={current ? 'page' : undefined}>
        {label}
      </a>
    </li>
  );
}

function CurrentPage({ route }: { route: Route }) {
  const [first, id, second, third] = route.segments;
  if (first === undefined || first === 'board') return <BoardPage route={route} />;
  if (first === 'alerts') return <AlertsPage route={route} />;
  if (first === 'statements') return <StatementPage route={route} />;
  if (first === 'shipments' && id) return <ShipmentLookupPage shipmentNumber={id} />;
  if (first === 'manifests' && id) {
    if (second === undefined) return <ManifestPage manifestId={id} route={route} />;
    if (second === 'shipments' && third) return <ShipmentPage manifestId={id} shipmentNumber={third} />;
    if (second === 'driver-list') return <DriverListPage manifestId={id} />;
  }
  return (
    <>
      <h1 tabIndex={-1}>Page not found</h1>
      <p>
        There is no page at this address. <a href={href([])}>Go to the border board</a>.
      </p>
    </>
  );
}
