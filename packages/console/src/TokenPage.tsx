// PLACEHOLDER (replaced in this session by the page's real implementation).
export function TokenPage(_props: { token: string; owner: import('./router.js').TokenOwner; apiTokenId: string }) {
  return <p>TokenPage: not built yet.</p>;
}
