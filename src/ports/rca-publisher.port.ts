/** An RCA as it goes to a document system: its title and its body in that system's format. */
export interface RcaDocumentToPublish {
  readonly title: string;
  /** For Confluence: storage format (XHTML). */
  readonly body: string;
}

/** Where a published RCA lives: the page's id there, its version after our write, its address. */
export interface PublishedRcaPage {
  readonly id: string;
  readonly version: number;
  readonly url: string;
}

/** The document system could not be reached, failed, or asked us to slow down: try again later. */
export class RcaPublisherUnavailable extends Error {
  readonly retryAfterMs: number | null;
  constructor(message: string, retryAfterMs: number | null = null) {
    super(message);
    this.name = 'RcaPublisherUnavailable';
    this.retryAfterMs = retryAfterMs;
  }
}

/** The document system refused (bad credentials, unknown space or parent, no permission): retrying will not help. */
export class RcaPublisherRefused extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'RcaPublisherRefused';
  }
}

/**
 * Publishing an RCA document to the team's document system (Confluence), in incident language.
 * Implemented by `integrations/confluence/`; registered only when configured. Throws
 * {@link RcaPublisherUnavailable} or {@link RcaPublisherRefused}.
 */
export interface RcaPublisher {
  /** The system's name, as people know it ("Confluence"). */
  readonly name: string;
  /**
   * Publishes this RCA document: updates the page at `existingId` when given (and still there),
   * else the page already titled so (a publication whose id was never stored), else creates one.
   */
  publish(document: RcaDocumentToPublish, existingId: string | null): Promise<PublishedRcaPage>;
}
