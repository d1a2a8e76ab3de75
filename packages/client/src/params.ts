// Parameter pieces shared by the resources, all taken from @latchkey/contract. Path
// parameters are picked out of their schema types, which (as open objects) carry an
// index signature that would otherwise let any misspelt parameter through.
import type {
  ApiTokenIdParams,
  ApplicationApiTokenParams,
  ApplicationIdParams,
  ApplicationsQueryParams,
  ApplicationWebhookParams,
  AuditLogQuery,
  WebhookDeliveryParams,
  OrgIdParams,
  RemoveMemberQuery,
} from '@latchkey/contract';

export type ApplicationIdParam = Pick<ApplicationIdParams, 'applicationId'>;
export type ApplicationApiTokenIdParams = Pick<ApplicationApiTokenParams, 'applicationId' | 'apiTokenId'>;
export type ApiTokenIdParam = Pick<ApiTokenIdParams, 'apiTokenId'>;
export type OrgIdParam = Pick<OrgIdParams, 'orgId'>;
export type ApplicationWebhookIdParams = Pick<ApplicationWebhookParams, 'applicationId' | 'webhookId'>;
export type WebhookIdParam = Pick<WebhookDeliveryParams, 'webhookId'>;
export type DeliveryIdParam = Pick<WebhookDeliveryParams, 'deliveryId'>;

/** The query parameters losant-rest sends on every call (`_actions`, `_links`, `_embedded`); accepted and ignored. */
export type ClientQuery = Pick<RemoveMemberQuery, '_actions' | '_links' | '_embedded'>;

/** Losant's summary parameters of single-object reads; accepted and ignored. */
export type SummaryQuery = Pick<ApplicationsQueryParams, 'summaryExclude' | 'summaryInclude'> & ClientQuery;

/** The query of every audit trail: Losant's paging and action filter, latchkey's actor and time range. */
export type AuditQuery = AuditLogQuery;
