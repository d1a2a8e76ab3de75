// The console shell: sign-in, then the navigation and the page the hash names
// (router.ts). Hash routes need nothing from the server beyond the static files.
import { parseToken } from '@latchkey/contract';
import { useEffect, useState } from 'preact/hooks';
import { clientFor } from './api.js';
import { ApplicationPage } from './ApplicationPage.js';
import { Applications } from './Applications.js';
import { AuditLog } from './AuditLog.js';
import { OrganizationPage } from './OrganizationPage.js';
import { Organizations } from './Organizations.js';
import { href, parseRoute, useHash, type Route } from './router.js';
import { clearSession, loadSession, saveSession, type Session } from './session.js';
import { SignIn } from './SignIn.js';
import { TokenPage } from './TokenPage.js';
import { Tokens } from './Tokens.js';

/**
 * Ends a login session on the server (POST /auth/logout), so the token is refused
 * from then on, not only forgotten here. A pasted API token is only forgotten: it
 * is revoked or deleted on purpose, never by signing out. A failed call (the server
 * away, the session already ended) still signs out of the tab.
 */
async function endSession(session: Session): Promise<void> {
  if (parseToken(session.token) !== 'session') return;
  try {
    await clientFor(session.token).auth.logout();
  } catch {
    // Forgotten all the same; it expires by itself.
  }
}

type Section = 'applications' | 'organizations' | 'myTokens' | 'audit';

const navigation: ReadonlyArray<{ section: Section; label: string; href: string }> = [
  { section: 'applications', label: 'Applications', href: href({ page: 'applications' }) },
  { section: 'organizations', label: 'Organizations', href: href({ page: 'organizations' }) },
  { section: 'myTokens', label: 'My tokens', href: href({ page: 'myTokens' }) },
  { section: 'audit', label: 'Audit log', href: href({ page: 'audit' }) },
];

function sectionOf(route: Route): Section | null {
  switch (route.page) {
    case 'applications':
    case 'application':
      return 'applications';
    case 'token':
      return route.owner.kind === 'me' ? 'myTokens' : 'applications';
    case 'organizations':
    case 'organization':
      return 'organizations';
    case 'myTokens':
      return 'myTokens';
    case 'audit':
      return 'audit';
    case 'notFound':
      return null;
  }
}

const titles: Record<Route['page'], string> = {
  applications: 'Applications',
  application: 'Application',
  token: 'Token',
  organizations: 'Organizations',
  organization: 'Organization',
  myTokens: 'My tokens',
  audit: 'Audit log',
  notFound: 'Not found',
};

function Page({ route, token }: { route: Route; token: string }) {
  switch (route.page) {
    case 'applications':
      return <Applications token={token} />;
    case 'application':
      return <ApplicationPage key={route.applicationId} token={token} applicationId={route.applicationId} tab={route.tab} />;
    case 'token':
      return <TokenPage key={route.apiTokenId} token={token} owner={route.owner} apiTokenId={route.apiTokenId} />;
    case 'organizations':
      return <Organizations token={token} />;
    case 'organization':
      return <OrganizationPage key={route.orgId} token={token} orgId={route.orgId} tab={route.tab} />;
    case 'myTokens':
      return (
        <main>
          <Tokens token={token} owner={{ kind: 'me' }} />
        </main>
      );
    case 'audit':
      return (
        <main>
          <h1>Audit log</h1>
          <AuditLog token={token} subject={{ kind: 'me' }} />
        </main>
      );
    case 'notFound':
      return (
        <main>
          <h1>Not found</h1>
          <p>
            Nothing in the console is at <code>{route.hash}</code>. <a href={href({ page: 'applications' })}>Go to Applications</a>.
          </p>
        </main>
      );
  }
}

export function App() {
  const [session, setSession] = useState<Session | null>(loadSession);
  const [signingOut, setSigningOut] = useState(false);
  const route = parseRoute(useHash());
  const section = sectionOf(route);

  useEffect(() => {
    document.title = `${session ? titles[route.page] : 'Sign in'} · latchkey console`;
  }, [session, route.page]);

  if (!session) {
    return (
      <SignIn
        onSignedIn={(next, openApplication) => {
          saveSession(next);
          setSession(next);
          location.hash = openApplication ? href({ page: 'application', applicationId: openApplication, tab: 'tokens' }) : '#/';
        }}
      />
    );
  }

  return (
    <>
      <a
        class="skip"
        href="#content"
        onClick={(e) => {
          e.preventDefault();
          document.getElementById('content')?.focus();
        }}
      >
        Skip to content
      </a>
      <header class="top">
        <a class="brand" href="#/">
          latchkey console
        </a>
        <nav class="main-nav" aria-label="Main">
          {navigation.map((item) => (
            <a key={item.section} href={item.href} aria-current={item.section === section ? 'page' : undefined}>
              {item.label}
            </a>
          ))}
        </nav>
        <span class="who">{session.email ? `Signed in as ${session.email}` : `Signed in with token ${session.token.slice(0, 8)}…`}</span>
        <button
          type="button"
          disabled={signingOut}
          onClick={async () => {
            setSigningOut(true);
            await endSession(session);
            clearSession();
            setSession(null);
            setSigningOut(false);
            location.hash = '';
          }}
        >
          Sign out
        </button>
      </header>
      <div id="content" tabIndex={-1}>
        <Page route={route} token={session.token} />
      </div>
    </>
  );
}
