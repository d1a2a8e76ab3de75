import type { ApplicationsQueryParams, PageQueryParams } from '@latchkey/contract';
import type { PageQuery } from '../storage/port.js';
import { direction } from './wire.js';

/** Losant paging parameters of the application and organization collections. */
export function toPageQuery(query: PageQueryParams | ApplicationsQueryParams): PageQuery {
  const out: PageQuery = {
    sortField: query.sortField ?? 'name',
    sortDirection: direction(query.sortDirection, 'asc'),
    page: query.page ?? 0,
    perPage: query.perPage ?? 100,
  };
  if (query.filterField && query.filter) out.filter = query.filter;
  return out;
}

export function pageMeta(query: PageQuery, count: number, totalCount: number) {
  return {
    count,
    totalCount,
    perPage: query.perPage,
    page: query.page,
    sortField: query.sortField,
    sortDirection: query.sortDirection,
    ...(query.filter ? { filterField: 'name', filter: query.filter } : {}),
  };
}
