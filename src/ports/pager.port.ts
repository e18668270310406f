/** What the person paged is told about the incident. */
export interface PagedIncident {
  readonly reference: string;
  readonly title: string;
  /** The severity's label, when set. */
  readonly severity: string | null;
  /** The incident's page on our site. */
  readonly url: string;
}

export interface PageRequest {
  readonly incident: PagedIncident;
  /** `lead` or a team's name (from configuration or the site's admin page). */
  readonly target: string;
  /** Unique per page; the same key resolves it later. */
  readonly pageKey: string;
  readonly message: string;
  /** Who asked for the page (a name, for the person woken). */
  readonly requestedBy: string;
}

/** Someone took a page at the pager (PagerDuty's `incident.acknowledged` webhook). */
export interface PageAcknowledgement {
  /** The pager's id of this notice: a redelivery carries the same one. */
  readonly noticeId: string;
  /** The key the page was sent with. */
  readonly pageKey: string;
  /** Who acknowledged: the pager's user id when a person did (to ask their email), and a name to show. */
  readonly by: { readonly pagerUserId: string | null; readonly name: string };
}

/** The pager could not be reached or failed (5xx, timeout, rate limit): try again later. */
export class PagerUnavailable extends Error {
  readonly retryAfterMs: number | null;
  constructor(message: string, retryAfterMs: number | null = null) {
    super(message);
    this.name = 'PagerUnavailable';
    this.retryAfterMs = retryAfterMs;
  }
}

/** The pager refused the request (bad key, unknown team): retrying will not help. */
export class PagerRefused extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'PagerRefused';
  }
}

/**
 * Waking people up, in incident language. Implemented by `integrations/pagerduty/`; registered
 * only when configured. Every call may throw {@link PagerUnavailable} or {@link PagerRefused}.
 */
export interface Pager {
  /** Page the on-call person of `target` with this message. */
  page(request: PageRequest): Promise<void>;
  /** The page with this key is over (our incident closed). Resolving one already resolved is harmless. */
  resolve(target: string, pageKey: string): Promise<void>;
  /** Names of who is on call for `target` now, first level first; null when the pager cannot tell. */
  whoIsOnCall(target: string): Promise<readonly string[] | null>;
  /** The email of one of the pager's users (who acknowledged a page); null when the pager cannot tell. */
  emailOf(pagerUserId: string): Promise<string | null>;
}
