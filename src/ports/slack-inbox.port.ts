/** A Slack request kept until it has been handled: an Events API delivery or a slash command. */
export type InboxKind = 'event' | 'command';

export interface InboxItem {
  readonly id: string;
  readonly kind: InboxKind;
  /** The request body as Slack sent it, parsed. */
  readonly body: Record<string, unknown>;
  readonly retryNum: number | null;
  readonly retryReason: string | null;
  readonly receivedAt: Date;
  /** How many times it was taken over after its handler's lease ran out (a crash, a hang). */
  readonly attempts: number;
}

export interface NewInboxItem extends Omit<InboxItem, 'attempts'> {
  /** Who handles it at once, or null: any instance takes it from `claimedUntil` on. */
  readonly claimedBy: string | null;
  readonly claimedUntil: Date;
}

/** The inbox table, outside any other transaction. */
export interface SlackInboxStore {
  /** One commit: `added` are written and `handled` (ids) removed, or nothing changes. */
  write(batch: { readonly added: readonly NewInboxItem[]; readonly handled: readonly string[] }): Promise<void>;
  /** Takes over up to `limit` items nobody holds any more (oldest first), for `owner` until `until`. */
  claimExpired(owner: string, now: Date, until: Date, limit: number): Promise<InboxItem[]>;
  /** Keeps these of `owner`'s items its own until `until` (a heartbeat while they wait or run). */
  extend(owner: string, ids: readonly string[], until: Date): Promise<void>;
  /** Hands items back after an outage: anyone may take them from `until` on; not counted as an attempt. */
  postpone(owner: string, ids: readonly string[], until: Date): Promise<void>;
  /** Hands back every item `owner` still holds, for anyone to take at once (a clean shutdown). */
  release(owner: string, now: Date): Promise<void>;
  /** Items not yet handled (the metrics gauge, the bench, tests). */
  count(): Promise<number>;
}
