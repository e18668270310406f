import type { GaugeReader } from './gauges.port.js';
import type { Action } from '../domain/action.js';
import type { AuditRecord } from '../domain/events.js';
import type { ActionId, ApiTokenId, IncidentId, SlackUserId, TimelineEntryId, UserId } from '../domain/ids.js';
import type { Incident, IncidentPerson, IncidentStatus, PersonKind } from '../domain/incident.js';
import type { FollowUpCounts, MetricsIncident } from '../domain/metrics.js';
import type { NudgeKind, NudgeState } from '../domain/nudges.js';
import type { Page, PageId } from '../domain/page.js';
import type { PagingTeam, PagingTeamId } from '../domain/paging-team.js';
import type { Rca } from '../domain/rca.js';
import type { PublishedRcaPage } from './rca-publisher.port.js';
import type { RcaPublication, RcaPublicationTarget } from '../domain/rca-publication.js';
import type { ComponentState, PublicIncident, PublicIncidentId, Published, PublicUpdateId } from '../domain/status-page.js';
import type { TimelineChange, TimelineEntry, TimelineRevision } from '../domain/timeline.js';
import type { User } from '../domain/user.js';
import type { ExternalStatusIncident, StatusPageSyncState } from './status-page-publisher.port.js';
import type { JobQueue, JobStore } from './jobs.port.js';
import type { SlackInboxStore } from './slack-inbox.port.js';
import type { RetentionRepository } from './retention.port.js';

export interface IncidentFilter {
  readonly status?: IncidentStatus;
  readonly severities?: readonly string[];
  readonly reportOnly?: boolean;
  readonly private?: boolean;
  /** Case-insensitive text found in the title, summary, impact or reference. */
  readonly text?: string;
  readonly startedFrom?: Date;
  readonly startedTo?: Date;
  /** Leave out private incidents this person is not involved in (reporter, a role holder ever, or one of its people). */
  readonly visibleTo?: UserId;
}

export interface IncidentPage {
  readonly limit: number;
  /** Return incidents numbered below this one (newest first). */
  readonly beforeNumber?: number;
}

export interface IncidentRepository {
  /** Next sequential number; gap-free because it is taken inside the declaring transaction. */
  allocateNumber(): Promise<number>;
  insert(incident: Incident): Promise<void>;
  /** Saves a changed incident if nobody saved it since `incident.version`; false when someone did. */
  update(incident: Incident): Promise<boolean>;
  /**
   * Holds the incident's row until the transaction ends, so concurrent changes to one incident
   * (and its timeline) queue instead of colliding. Call it inside `Store.transaction`.
   */
  lock(id: IncidentId): Promise<void>;
  findById(id: IncidentId): Promise<Incident | null>;
  findByReference(reference: string): Promise<Incident | null>;
  /** The incident whose comms channel this is, if any. */
  findByChannelId(channelId: string): Promise<Incident | null>;
  list(filter: IncidentFilter, page: IncidentPage): Promise<Incident[]>;
}

/** The people let in to an incident (read with it: `Incident.people`). */
export interface IncidentPeopleRepository {
  /** Records `person` unless already there the same way; true when added. */
  add(incidentId: IncidentId, person: IncidentPerson): Promise<boolean>;
  /** Takes back one way a person was let in; true when there was one. */
  remove(incidentId: IncidentId, userId: UserId, how: PersonKind): Promise<boolean>;
}

/** One reminder's record on one incident (see `NudgeState`), plus its schedule or restart time. */
export interface NudgeRecord extends NudgeState {
  readonly kind: NudgeKind;
  readonly everyMs: number | null;
  readonly since: Date | null;
}

/** What has happened with each reminder on each incident. */
export interface NudgeRepository {
  /** The records of one incident's reminders, by kind (absent: never touched). */
  forIncident(incidentId: IncidentId): Promise<Map<NudgeKind, NudgeRecord>>;
  /**
   * Records a send, only if `sentBefore` is still the count: of two instances checking the same
   * reminder at once, one records it (true) and the other sends nothing (false).
   */
  markSent(incidentId: IncidentId, kind: NudgeKind, sentBefore: number, at: Date): Promise<boolean>;
  /** Sets any of the other fields, creating the record when needed. */
  set(incidentId: IncidentId, kind: NudgeKind, fields: Partial<Pick<NudgeRecord, 'snoozedUntil' | 'stoppedAt' | 'everyMs' | 'since'>>): Promise<void>;
}

export interface UserRepository {
  findById(id: UserId): Promise<User | null>;
  findBySlackUserId(id: SlackUserId): Promise<User | null>;
  findByEmail(email: string): Promise<User | null>;
  /** Adds the user unless one with the same id, email or Slack id exists; true when added. */
  insertIfAbsent(user: User): Promise<boolean>;
  update(user: User): Promise<void>;
}

export interface TimelineListOptions {
  readonly includeRemoved?: boolean;
  /** Only the latest this many entries (still oldest first): a long timeline's page shows its end. */
  readonly latest?: number;
}

export interface TimelineRepository {
  /** Stores new entries, each with its first revision. */
  insert(changes: readonly TimelineChange[]): Promise<void>;
  /** Stores a later revision and makes it current; false when another revision got there first. */
  saveRevision(change: TimelineChange): Promise<boolean>;
  findById(incidentId: IncidentId, entryId: TimelineEntryId): Promise<TimelineEntry | null>;
  /** The current (not removed) entry copied from this outside source, if any. */
  findBySourceRef(incidentId: IncidentId, sourceRef: string): Promise<TimelineEntry | null>;
  /** Entries in the order they happened (ties in the order they were written). */
  listForIncident(incidentId: IncidentId, options?: TimelineListOptions): Promise<TimelineEntry[]>;
  history(entryId: TimelineEntryId): Promise<TimelineRevision[]>;
}

export interface ActionRepository {
  insert(action: Action): Promise<void>;
  update(action: Action): Promise<void>;
  findById(incidentId: IncidentId, id: ActionId): Promise<Action | null>;
  listForIncident(incidentId: IncidentId): Promise<Action[]>;
}

export interface AuditRepository {
  append(records: readonly AuditRecord[]): Promise<void>;
  /** Writes records as they were read elsewhere (an imported incident's trail), in order. */
  appendStored(records: readonly StoredAuditRecord[]): Promise<void>;
  listForIncident(incidentId: IncidentId): Promise<StoredAuditRecord[]>;
}

export interface StoredAuditRecord {
  readonly incidentId: IncidentId;
  readonly at: Date;
  readonly actor: User;
  readonly source: AuditRecord['actor']['source'];
  readonly type: string;
  readonly data: Readonly<Record<string, unknown>>;
}

export interface ApiToken {
  readonly id: ApiTokenId;
  readonly name: string;
  /** Who the token acts as: changes are theirs, and it sees the private incidents they are in. */
  readonly user: User;
  /** Sees every incident, private ones included (integrations, operators). */
  readonly admin: boolean;
  readonly createdAt: Date;
  readonly revokedAt: Date | null;
}

export interface ApiTokenRepository {
  insert(token: { id: ApiTokenId; name: string; hash: string; userId: UserId; admin: boolean; createdAt: Date }): Promise<void>;
  /** The live (not revoked) token with this hash. */
  findActiveByHash(hash: string): Promise<ApiToken | null>;
  list(): Promise<ApiToken[]>;
  /** Revokes by id or name; the tokens it revoked. */
  revoke(idOrName: string, at: Date): Promise<ApiToken[]>;
}

/** Keys of requests already handled (a Slack event id, a modal submission): claimed once. */
export interface IdempotencyRepository {
  /** True the first time a key is claimed; false ever after (the request is a repeat). */
  claim(key: string, at: Date): Promise<boolean>;
}

export interface SlackMessageRef {
  readonly channelId: string;
  readonly ts: string;
}

/** Slack messages we keep editing (the headline), by incident and kind. */
export interface SlackMessageRepository {
  find(incidentId: IncidentId, kind: string): Promise<SlackMessageRef | null>;
  save(incidentId: IncidentId, kind: string, ref: SlackMessageRef): Promise<void>;
}

/** The built-in status page's record: only what was published. */
export interface StatusPageRepository {
  /** The public incident of one of our incidents, with its updates (newest first), if ever published. */
  findByIncident(incidentId: IncidentId): Promise<PublicIncident | null>;
  /** Saves a publication: the public incident (created or changed), its new update, the components' states. */
  savePublication(published: Published): Promise<void>;
  /** Every public incident with its updates, most recently updated first. */
  list(): Promise<PublicIncident[]>;
  /** The latest published state of each component ever touched. */
  componentStates(): Promise<Map<string, ComponentState>>;
  /** One update with its public incident, and how far the outside status page has it (the sync job's read). */
  findForSync(updateId: PublicUpdateId): Promise<StatusPageSyncState | null>;
  /** The update reached the outside status page, which keeps the public incident as `external`. */
  markSynced(updateId: PublicUpdateId, external: ExternalStatusIncident, at: Date): Promise<void>;
  /** Where the public incident lives on the outside status page, once created there. */
  externalOf(publicIncidentId: PublicIncidentId): Promise<ExternalStatusIncident | null>;
  /** When the last request to a rate-limited vendor went out (null: never). */
  lastVendorRequestAt(vendor: string): Promise<Date | null>;
  /** A request to a rate-limited vendor is going out now. */
  noteVendorRequest(vendor: string, at: Date): Promise<void>;
}

/** The pages each incident sent (the Pager port's work, recorded). */
export interface PageRepository {
  insert(page: Page): Promise<void>;
  findById(id: PageId): Promise<Page | null>;
  /** The page sent with this de-duplication key (as the pager's webhooks name it). */
  findByDedupKey(dedupKey: string): Promise<Page | null>;
  /** Oldest first. */
  forIncident(incidentId: IncidentId): Promise<Page[]>;
  /** `requested` → `sent`; false when it was not waiting (already sent, or cancelled). */
  markSent(id: PageId, at: Date, onCall: readonly string[] | null): Promise<boolean>;
  /** `sent` → `resolved`, or `requested` → `cancelled`; false when it was not in that state. */
  markEnded(id: PageId, status: 'resolved' | 'cancelled', at: Date): Promise<boolean>;
}

/** The specialist teams managed on the site (those from configuration are not stored). */
export interface PagingTeamRepository {
  /** Every team, active or not, by name. */
  list(): Promise<PagingTeam[]>;
  findById(id: PagingTeamId): Promise<PagingTeam | null>;
  /** The team with this name, whatever its case. */
  findByName(name: string): Promise<PagingTeam | null>;
  insert(team: PagingTeam): Promise<void>;
  update(team: PagingTeam): Promise<void>;
  /** True when there was such a team. */
  remove(id: PagingTeamId): Promise<boolean>;
}

/** The root cause analysis of each incident (at most one), with its attendees. */
export interface RcaRepository {
  find(incidentId: IncidentId): Promise<Rca | null>;
  /**
   * Saves `rca` if nobody saved it since `rca.version - 1` (version 1: if there was none yet);
   * false when someone did, so a stale form never overwrites a newer outcome.
   */
  save(rca: Rca): Promise<boolean>;
  /** Stores an RCA as it was read elsewhere (an imported incident's), version and all. */
  insert(rca: Rca): Promise<void>;
  /** The incidents that have at least one follow-up not done. */
  incidentsWithOpenFollowUps(): Promise<IncidentId[]>;
}

/** Which incidents the metrics count: started in [from, to), drills left out. */
export interface MetricsScope {
  readonly from: Date;
  readonly to: Date;
  /** Leave out private incidents this person is not involved in (as IncidentFilter.visibleTo). */
  readonly visibleTo?: UserId;
}

/** The metrics' bulk reads: per-incident moments and follow-up counts, never whole timelines. */
export interface MetricsRepository {
  /** Each incident in scope: its start, end, severity, first lead and first stakeholder update. */
  incidentMoments(scope: MetricsScope): Promise<MetricsIncident[]>;
  /** Open follow-ups on the incidents in scope, and how many are due before `today` (an ISO date). */
  followUpCounts(scope: MetricsScope, today: string): Promise<FollowUpCounts>;
}

/** Where each RCA was published (one page per incident and target). */
export interface RcaPublicationRepository {
  find(incidentId: IncidentId, target: RcaPublicationTarget): Promise<RcaPublication | null>;
  /** Records a request to publish (pending), keeping the page id of an earlier publication. */
  request(incidentId: IncidentId, target: RcaPublicationTarget, requestedBy: UserId, at: Date): Promise<void>;
  markPublished(incidentId: IncidentId, target: RcaPublicationTarget, page: PublishedRcaPage, at: Date): Promise<void>;
  /** Notes why the last attempt failed; `stillTrying` false marks it failed for good. */
  markFailed(incidentId: IncidentId, target: RcaPublicationTarget, error: string, stillTrying: boolean): Promise<void>;
}

export interface Repositories {
  readonly incidents: IncidentRepository;
  readonly people: IncidentPeopleRepository;
  readonly nudges: NudgeRepository;
  readonly users: UserRepository;
  readonly timeline: TimelineRepository;
  readonly actions: ActionRepository;
  readonly audit: AuditRepository;
  readonly tokens: ApiTokenRepository;
  readonly jobs: JobQueue;
  readonly idempotency: IdempotencyRepository;
  readonly slackMessages: SlackMessageRepository;
  readonly pages: PageRepository;
  readonly pagingTeams: PagingTeamRepository;
  readonly statusPage: StatusPageRepository;
  /** The retention policy's reads and rewrites (see ports/retention.port.ts). */
  readonly retention: RetentionRepository;
  readonly metrics: MetricsRepository;
  readonly rcas: RcaRepository;
  readonly rcaPublications: RcaPublicationRepository;
  /**
   * Runs `callback` once the surrounding transaction has committed (at once outside one): for
   * telling the world about a change (live updates) only when it is really there.
   */
  afterCommit(callback: () => void): void;
}

export type Engine = 'sqlite' | 'postgres';

/** The system of record. Work done inside `transaction` commits together or not at all. */
export interface Store extends Repositories {
  readonly engine: Engine;
  transaction<T>(work: (repos: Repositories) => Promise<T>): Promise<T>;
  /** The queue's worker side (claims, retries, inspection); outside any transaction. */
  readonly jobStore: JobStore;
  /** Slack requests received and not yet handled; outside any transaction. */
  readonly slackInbox: SlackInboxStore;
  /** Aggregate counts read at scrape time by the metrics endpoint. */
  readonly gauges: GaugeReader;
  /** Calls `listener` after each commit that enqueued jobs, so a worker can start at once. */
  onJobsEnqueued(listener: () => void): void;
  /** Brings the schema up to date; the names of the migrations it ran. Safe from several processes. */
  migrate(): Promise<string[]>;
  /** Resolves when the database answers a query. */
  ping(): Promise<void>;
  close(): Promise<void>;
}
