/** The job could not run now but may later (rate limit, outage): retried, honouring `delayMs` if given. */
export class RetryLater extends Error {
  readonly delayMs: number | null;
  constructor(message: string, delayMs: number | null = null) {
    super(message);
    this.name = 'RetryLater';
    this.delayMs = delayMs;
  }
}

/** The job can never succeed (a channel that no longer exists, a refused permission): not retried. */
export class PermanentFailure extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'PermanentFailure';
  }
}

/** Exponential backoff from 1 s, capped at 60 s: an outage of minutes costs a minute at most. */
export function backoffMs(attempt: number): number {
  return Math.min(60_000, 1000 * 2 ** Math.max(0, attempt - 1));
}
