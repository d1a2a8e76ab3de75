// PLACEHOLDER (replaced in this session by the page's real implementation).
export function ApplicationSettings(_props: { token: string; application: import('@latchkey/contract').Application; onSaved: () => void }) {
  return <p>ApplicationSettings: not built yet.</p>;
}
