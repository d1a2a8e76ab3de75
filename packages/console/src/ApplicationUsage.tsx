// PLACEHOLDER (replaced in this session by the page's real implementation).
export function ApplicationUsage(_props: { token: string; applicationId: string }) {
  return <p>ApplicationUsage: not built yet.</p>;
}
