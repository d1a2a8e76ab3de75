// Walks a Losant-style paged list one request at a time, yielding each item.

interface Page<T> {
  items: T[];
  perPage: number;
  totalCount: number;
}

/**
 * Requests `params.page` (default 0), yields its items, then the next page, and so on.
 * Stops after a short or empty page or once `totalCount` is reached, so the last page
 * is never followed by an extra request unless it is exactly full.
 */
export async function* paginate<T, P extends { page?: number }>(
  fetchPage: (params: P) => Promise<Page<T>>,
  params: P,
): AsyncGenerator<T, void, undefined> {
  let page = params.page ?? 0;
  for (;;) {
    const result = await fetchPage({ ...params, page });
    yield* result.items;
    if (result.items.length === 0 || result.items.length < result.perPage) return;
    if ((page + 1) * result.perPage >= result.totalCount) return;
    page += 1;
  }
}
