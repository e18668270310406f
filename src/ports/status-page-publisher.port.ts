import type { ComponentState, PublicIncident, PublicStatus, PublicUpdate } from '../domain/status-page.js';

/** Where a public incident lives on the outside status page: its id there and its public link. */
export interface ExternalStatusIncident {
  readonly id: string;
  /** The short public link the vendor gave (null when it gave none). */
  readonly link: string | null;
}

/** One publication, as the public is told it. */
export interface PublicationToSend {
  readonly title: string;
  readonly status: PublicStatus;
  readonly message: string;
  readonly components: readonly { readonly name: string; readonly state: ComponentState }[];
  readonly notifySubscribers: boolean;
}

/** The resolution of a public incident: every component it named is back to operational. */
export interface ResolutionToSend {
  readonly title: string;
  readonly message: string;
  /** The components the incident ever named. */
  readonly components: readonly string[];
  readonly notifySubscribers: boolean;
}

/** The status page could not be reached, failed, or asked us to slow down: try again later. */
export class StatusPageUnavailable extends Error {
  readonly retryAfterMs: number | null;
  constructor(message: string, retryAfterMs: number | null = null) {
    super(message);
    this.name = 'StatusPageUnavailable';
    this.retryAfterMs = retryAfterMs;
  }
}

/** The status page refused the request (bad key, unknown page or component): retrying will not help. */
export class StatusPageRefused extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'StatusPageRefused';
  }
}

/**
 * Telling the public through an outside status page, in incident language. Implemented by
 * `integrations/statuspage/`; registered only when configured. Each call is one request to the
 * vendor and may throw {@link StatusPageUnavailable} or {@link StatusPageRefused}.
 */
export interface StatusPagePublisher {
  /** The vendor's name, as people know it ("Atlassian Statuspage"). */
  readonly name: string;
  /** Publish this public incident's latest update: creates it there the first time (`existing` null), then updates it. */
  publishLatest(update: PublicationToSend, existing: ExternalStatusIncident | null): Promise<ExternalStatusIncident>;
  /** Resolve it there, its components operational again. */
  resolve(resolution: ResolutionToSend, existing: ExternalStatusIncident): Promise<ExternalStatusIncident>;
}

/** One published update and how far the outside status page has it: what the sync job re-reads. */
export interface StatusPageSyncState {
  readonly publicIncident: PublicIncident;
  readonly update: PublicUpdate;
  /** When this update reached the outside page; null: not yet. */
  readonly syncedAt: Date | null;
  /** The public incident there, once created. */
  readonly external: ExternalStatusIncident | null;
}
