// Who is calling. Resolved from the bearer token by authenticate.ts.
import type { TokenCredits, TokenRatelimit } from '../storage/port.js';
import type { AllowedCidrs } from '../tokens/allowed-cidrs.js';

export interface TokenCredential {
  tokenId: string;
  tokenName: string;
  scopes: readonly string[];
  /** null: never expires. */
  expiresAt: number | null;
  /** When the token was created (epoch ms). */
  issuedAt: number;
  /** The token's rate limits (empty: none): its autoApply ones also limit its requests to latchkey, and what it may grant is bounded by them. */
  ratelimits: readonly TokenRatelimit[];
  /**
   * The token's credits as the verification cache holds them (null: unlimited). A
   * spend does not refresh the cache, so a grant checks the stored balance.
   */
  credits: TokenCredits | null;
  /** Where the token may be used from (null: anywhere); what it grants must lie within them. */
  allowedCidrs: AllowedCidrs | null;
}

export interface ApplicationPrincipal extends TokenCredential {
  kind: 'application';
  applicationId: string;
}

export interface UserPrincipal extends TokenCredential {
  kind: 'user';
  userId: string;
  /** A login session (`lks`) rather than a user API token (`lku`). */
  session: boolean;
}

export type Principal = ApplicationPrincipal | UserPrincipal;
