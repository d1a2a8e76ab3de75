import type { ApplicationsQueryParams, PageQueryParams } from '@latchkey/contract';
import type { PageQuery } from '../storage/port.js';

/** Losant's paging parameters, as every list's query schema has them. */
export interface PagingParams<SortField extends string, FilterField extends string> {
  sortField?: SortField;
  sortDirection?: string;
  page?: number;
  perPage?: number;
  filterField?: FilterField | '';
  filter?: string;
}

export interface Paging<SortField extends string, FilterField extends string> {
  sortField: SortField;
  sortDirection: 'asc' | 'desc';
  page: number;
  perPage: number;
  filter?: { field: FilterField; glob: string };
}

/** Losant accepts `asc`/`desc` in either case; the answer echoes lower case. */
function direction(value: string | undefined, fallback: 'asc' | 'desc'): 'asc' | 'desc' {
  const lower = value?.toLowerCase();
  return lower === 'asc' || lower === 'desc' ? lower : fallback;
}

/** The one paging normaliser: every list's defaults and filter rule. */
export function paging<SortField extends string, FilterField extends string>(
  query: PagingParams<SortField, FilterField>,
  sortField: SortField,
  sortDirection: 'asc' | 'desc',
): Paging<SortField, FilterField> {
  const out: Paging<SortField, FilterField> = {
    sortField: query.sortField ?? sortField,
    sortDirection: direction(query.sortDirection, sortDirection),
    page: query.page ?? 0,
    perPage: query.perPage ?? 100,
  };
  // Losant: a blank or missing filterField or filter means no filtering.
  if (query.filterField && query.filter) out.filter = { field: query.filterField, glob: query.filter };
  return out;
}

/** Losant paging parameters of the application and organization collections (a name filter). */
export function toPageQuery(query: PageQueryParams | ApplicationsQueryParams): PageQuery {
  const { filter, ...rest } = paging(query, 'name', 'asc');
  return filter ? { ...rest, filter: filter.glob } : rest;
}

/** The paging fields of a Losant list answer, around its items. */
export function pagingMeta<SortField extends string, FilterField extends string>(
  query: Paging<SortField, FilterField>,
  count: number,
  totalCount: number,
) {
  return {
    count,
    totalCount,
    perPage: query.perPage,
    page: query.page,
    sortField: query.sortField,
    sortDirection: query.sortDirection,
    ...(query.filter ? { filterField: query.filter.field, filter: query.filter.glob } : {}),
  };
}

/** The same for the application and organization collections (a name filter). */
export function pageMeta(query: PageQuery, count: number, totalCount: number) {
  const { filter, ...rest } = query;
  return pagingMeta(filter ? { ...rest, filter: { field: 'name', glob: filter } } : rest, count, totalCount);
}
