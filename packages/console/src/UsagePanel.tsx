// PLACEHOLDER (replaced in this session by the usage chart).
import type { Usage, UsageQuery } from '@latchkey/contract';
export function UsagePanel(_props: { label: string; load: (query: UsageQuery) => Promise<Usage> }) {
  return <p>Usage: not built yet.</p>;
}
