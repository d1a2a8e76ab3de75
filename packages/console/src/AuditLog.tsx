// PLACEHOLDER (replaced in this session by the page's real implementation).
export function AuditLog(_props: { token: string; subject: import('./router.js').AuditSubject }) {
  return <p>AuditLog: not built yet.</p>;
}
