// Sign in with email and password (POST /auth/user: a 24-hour login session), or by
// pasting an API token.
import { useState } from 'preact/hooks';
import { clientFor, toShownError, type ShownError } from './api.js';
import type { Session } from './session.js';
import { ErrorAlert } from './ui.js';

export function SignIn({ onSignedIn }: { onSignedIn: (session: Session, applicationId?: string) => void }) {
  const [email, setEmail] = useState('');
  const [password, setPassword] = useState('');
  const [token, setToken] = useState('');
  const [applicationId, setApplicationId] = useState('');
  const [busy, setBusy] = useState(false);
  const [passwordError, setPasswordError] = useState<ShownError | null>(null);
  const [tokenError, setTokenError] = useState<ShownError | null>(null);

  async function signInWithPassword(event: Event) {
    event.preventDefault();
    setBusy(true);
    setPasswordError(null);
    try {
      const answer = await clientFor().auth.authenticateUser({ credentials: { email, password } });
      onSignedIn({ token: answer.token, email });
    } catch (error) {
      setPasswordError(toShownError(error));
    } finally {
      setBusy(false);
    }
  }

  async function signInWithToken(event: Event) {
    event.preventDefault();
    const pasted = token.trim();
    setBusy(true);
    setTokenError(null);
    try {
      // A user token that may read /me names its user; any other valid token is
      // refused there with 403, which still proves it authenticates.
      const me = await clientFor(pasted).me.get();
      onSignedIn({ token: pasted, email: me.email }, applicationId.trim() || undefined);
    } catch (error) {
      const shown = toShownError(error);
      if (shown.statusCode === 403) onSignedIn({ token: pasted }, applicationId.trim() || undefined);
      else setTokenError(shown);
    } finally {
      setBusy(false);
    }
  }

  return (
    <main class="sign-in">
      <h1>Sign in to latchkey</h1>
      <section aria-labelledby="password-heading" class="card">
        <h2 id="password-heading">With email and password</h2>
        <form onSubmit={signInWithPassword}>
          <label>
            Email
            <input type="email" autocomplete="username" required value={email} onInput={(e) => setEmail(e.currentTarget.value)} />
          </label>
          <label>
            Password
            <input
              type="password"
              autocomplete="current-password"
              required
              value={password}
              onInput={(e) => setPassword(e.currentTarget.value)}
            />
          </label>
          <ErrorAlert error={passwordError} />
          <button type="submit" class="primary" disabled={busy}>
            Sign in
          </button>
        </form>
      </section>
      <section aria-labelledby="token-heading" class="card">
        <h2 id="token-heading">With an API token</h2>
        <form onSubmit={signInWithToken}>
          <label>
            API token
            <input
              type="password"
              autocomplete="off"
              spellcheck={false}
              required
              value={token}
              placeholder="lku_… or lka_…"
              onInput={(e) => setToken(e.currentTarget.value)}
            />
          </label>
          <label>
            <span>
              Application ID <span class="hint">(optional; an application token cannot list applications)</span>
            </span>
            <input
              type="text"
              autocomplete="off"
              spellcheck={false}
              value={applicationId}
              onInput={(e) => setApplicationId(e.currentTarget.value)}
            />
          </label>
          <ErrorAlert error={tokenError} />
          <button type="submit" disabled={busy}>
            Use token
          </button>
        </form>
      </section>
      <p class="hint">The session is kept in this tab only (sessionStorage) and is cleared when you sign out.</p>
    </main>
  );
}
