// PLACEHOLDER (replaced in this session by the page's real implementation).
export function OrganizationPage(_props: { token: string; orgId: string; tab: import('./router.js').OrganizationTab }) {
  return <p>OrganizationPage: not built yet.</p>;
}
