// PLACEHOLDER (replaced in this session by the page's real implementation).
export function Organizations(_props: { token: string }) {
  return <p>Organizations: not built yet.</p>;
}
