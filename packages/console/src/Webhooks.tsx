// PLACEHOLDER (replaced in this session by the page's real implementation).
export function Webhooks(_props: { token: string; applicationId: string }) {
  return <p>Webhooks: not built yet.</p>;
}
