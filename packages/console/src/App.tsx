// The console shell: sign-in, then the applications list (#/) or an application's
// tokens (#/applications/{id}). Hash routes need nothing from the server beyond the
// static files.
import { parseToken } from '@latchkey/contract';
import { useEffect, useState } from 'preact/hooks';
import { clientFor } from './api.js';
import { Applications } from './Applications.js';
import { clearSession, loadSession, saveSession, type Session } from './session.js';
import { SignIn } from './SignIn.js';
import { Tokens } from './Tokens.js';

function useHash(): string {
  const [hash, setHash] = useState(location.hash);
  useEffect(() => {
    const onChange = () => setHash(location.hash);
    addEventListener('hashchange', onChange);
    return () => removeEventListener('hashchange', onChange);
  }, []);
  return hash;
}

function applicationOf(hash: string): string | null {
  const match = /^#\/applications\/([^/]+)$/.exec(hash);
  return match?.[1] ? decodeURIComponent(match[1]) : null;
}

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

export function App() {
  const [session, setSession] = useState<Session | null>(loadSession);
  const [signingOut, setSigningOut] = useState(false);
  const hash = useHash();
  const applicationId = applicationOf(hash);

  useEffect(() => {
    document.title = session
      ? applicationId
        ? 'Tokens · latchkey console'
        : 'Applications · latchkey console'
      : 'Sign in · latchkey console';
  }, [session, applicationId]);

  if (!session) {
    return (
      <SignIn
        onSignedIn={(next, openApplication) => {
          saveSession(next);
          setSession(next);
          location.hash = openApplication ? `#/applications/${encodeURIComponent(openApplication)}` : '#/';
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
        {applicationId ? (
          <Tokens key={applicationId} token={session.token} applicationId={applicationId} />
        ) : (
          <Applications token={session.token} />
        )}
      </div>
    </>
  );
}
