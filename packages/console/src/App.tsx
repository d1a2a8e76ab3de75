// The console shell: sign-in, then the applications list (#/) or an application's
// tokens (#/applications/{id}). Hash routes need nothing from the server beyond the
// static files.
import { useEffect, useState } from 'preact/hooks';
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

export function App() {
  const [session, setSession] = useState<Session | null>(loadSession);
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
          onClick={() => {
            clearSession();
            setSession(null);
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
