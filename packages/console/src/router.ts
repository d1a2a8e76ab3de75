// Hash routes: the console needs nothing from the server beyond its static files, and
// every page has an address that survives a reload. `parseRoute` and `href` are the
// only places that know the hash's shape.
import { useEffect, useState } from 'preact/hooks';

/** Whose API tokens a token page or list manages: an application's, or the signed-in user's own. */
export type TokenOwner = { kind: 'application'; applicationId: string } | { kind: 'me' };

/** Whose audit trail a log shows. */
export type AuditSubject = { kind: 'application'; applicationId: string } | { kind: 'organization'; orgId: string } | { kind: 'me' };

export const applicationTabs = ['tokens', 'usage', 'webhooks', 'audit', 'settings'] as const;
export type ApplicationTab = (typeof applicationTabs)[number];
export const organizationTabs = ['members', 'policy', 'audit', 'settings'] as const;
export type OrganizationTab = (typeof organizationTabs)[number];

export type Route =
  | { page: 'applications' }
  | { page: 'application'; applicationId: string; tab: ApplicationTab }
  | { page: 'token'; owner: TokenOwner; apiTokenId: string }
  | { page: 'organizations' }
  | { page: 'organization'; orgId: string; tab: OrganizationTab }
  | { page: 'myTokens' }
  | { page: 'audit' }
  | { page: 'notFound'; hash: string };

function tabOf<T extends string>(tabs: readonly T[], segment: string | undefined): T | undefined {
  if (segment === undefined) return tabs[0];
  return tabs.find((tab) => tab === segment);
}

export function parseRoute(hash: string): Route {
  const path = hash.replace(/^#\/?/, '').replace(/\/$/, '');
  const parts = path === '' ? [] : path.split('/').map((part) => decodeURIComponent(part));
  const [first, id, third, fourth] = parts;
  const notFound: Route = { page: 'notFound', hash };
  if (parts.length === 0) return { page: 'applications' };
  switch (first) {
    case 'applications': {
      if (id === undefined) return { page: 'applications' };
      if (third === 'tokens' && fourth !== undefined && parts.length === 4) {
        return { page: 'token', owner: { kind: 'application', applicationId: id }, apiTokenId: fourth };
      }
      const tab = parts.length <= 3 ? tabOf(applicationTabs, third) : undefined;
      return tab ? { page: 'application', applicationId: id, tab } : notFound;
    }
    case 'organizations': {
      if (id === undefined) return { page: 'organizations' };
      const tab = parts.length <= 3 ? tabOf(organizationTabs, third) : undefined;
      return tab ? { page: 'organization', orgId: id, tab } : notFound;
    }
    case 'me':
      if (id === 'tokens' && third === undefined) return { page: 'myTokens' };
      if (id === 'tokens' && third !== undefined && parts.length === 3) return { page: 'token', owner: { kind: 'me' }, apiTokenId: third };
      return notFound;
    case 'audit':
      return parts.length === 1 ? { page: 'audit' } : notFound;
    default:
      return notFound;
  }
}

const segment = encodeURIComponent;

export function href(route: Exclude<Route, { page: 'notFound' }>): string {
  switch (route.page) {
    case 'applications':
      return '#/applications';
    case 'application':
      return `#/applications/${segment(route.applicationId)}${route.tab === 'tokens' ? '' : `/${route.tab}`}`;
    case 'token':
      return route.owner.kind === 'me'
        ? `#/me/tokens/${segment(route.apiTokenId)}`
        : `#/applications/${segment(route.owner.applicationId)}/tokens/${segment(route.apiTokenId)}`;
    case 'organizations':
      return '#/organizations';
    case 'organization':
      return `#/organizations/${segment(route.orgId)}${route.tab === 'members' ? '' : `/${route.tab}`}`;
    case 'myTokens':
      return '#/me/tokens';
    case 'audit':
      return '#/audit';
  }
}

export function navigate(route: Exclude<Route, { page: 'notFound' }>): void {
  location.hash = href(route);
}

/** The current hash, following every change. */
export function useHash(): string {
  const [hash, setHash] = useState(location.hash);
  useEffect(() => {
    const onChange = () => setHash(location.hash);
    addEventListener('hashchange', onChange);
    return () => removeEventListener('hashchange', onChange);
  }, []);
  return hash;
}
