// The signed-in session lives in sessionStorage: it survives a reload of the tab and
// ends with it; signing out removes it.
export interface Session {
  /** A bearer token: a login session (`lks_`) from email and password, or a pasted API token. */
  token: string;
  /** The user's email, when known (signed in with a password, or a user token that may read /me). */
  email?: string;
}

export const sessionKey = 'latchkey.console.session';

export function loadSession(): Session | null {
  try {
    const raw = sessionStorage.getItem(sessionKey);
    if (!raw) return null;
    const parsed = JSON.parse(raw) as Partial<Session>;
    return typeof parsed.token === 'string' && parsed.token ? { token: parsed.token, email: parsed.email } : null;
  } catch {
    return null;
  }
}

export function saveSession(session: Session): void {
  sessionStorage.setItem(sessionKey, JSON.stringify(session));
}

export function clearSession(): void {
  sessionStorage.removeItem(sessionKey);
}
