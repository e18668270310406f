import type { Generated } from 'kysely';

/*
 * Column types are chosen to mean the same on SQLite and PostgreSQL: text ids, ISO-8601 UTC
 * text timestamps (they sort as they read), and 0/1 integers for flags.
 */

export interface CountersTable {
  name: string;
  value: number;
}

export interface UsersTable {
  id: string;
  name: string;
  email: string | null;
  slack_user_id: string | null;
  created_at: string;
  updated_at: string;
  /** When the retention policy anonymised this person (0012). */
  anonymised_at: string | null;
}

export interface IncidentsTable {
  id: string;
  number: number;
  reference: string;
  title: string;
  status: string;
  close_reason: string | null;
  blocked_until: string | null;
  report_only: number;
  occurred_at: string | null;
  private: number;
  summary: string | null;
  impact: string | null;
  severity: string | null;
  started_at: string;
  ended_at: string | null;
  channel_id: string | null;
  channel_name: string | null;
  reporter_id: string;
  version: number;
  created_at: string;
  updated_at: string;
  /** 1: a drill or test incident, left out of the metrics (0012). */
  drill: Generated<number>;
  /** When its comms channel was archived (0012). */
  channel_archived_at: string | null;
}

export interface RoleAssignmentsTable {
  id: string;
  incident_id: string;
  role: string;
  user_id: string;
  assigned_at: string;
  assigned_by: string;
  ended_at: string | null;
  ended_by: string | null;
}

export interface TimelineEntriesTable {
  id: string;
  incident_id: string;
  /** Insertion order, to break ties between entries stamped with the same time. */
  seq: Generated<number>;
  occurred_at: string;
  kind: string;
  text: string;
  link: string | null;
  removed: number;
  author_id: string;
  source: string;
  revision: number;
  created_at: string;
  updated_at: string;
  updated_by: string;
  source_ref: string | null;
}

export interface TimelineRevisionsTable {
  entry_id: string;
  revision: number;
  occurred_at: string;
  kind: string;
  text: string;
  link: string | null;
  removed: number;
  revised_by: string;
  source: string;
  revised_at: string;
}

/** Someone let in to an incident: `how` is `added` or `channel` (a member of its Slack channel). */
export interface IncidentPeopleTable {
  incident_id: string;
  user_id: string;
  how: string;
  added_by: string;
  added_at: string;
}

export interface NudgesTable {
  incident_id: string;
  kind: string;
  sent_count: Generated<number>;
  last_sent_at: string | null;
  snoozed_until: string | null;
  stopped_at: string | null;
  // bigint: pg returns it as a string.
  every_ms: number | string | null;
  since: string | null;
}

export interface ActionsTable {
  id: string;
  incident_id: string;
  text: string;
  owner_id: string | null;
  done: number;
  done_at: string | null;
  created_by: string;
  created_at: string;
  updated_at: string;
  /** 1: an RCA follow-up (0012). */
  follow_up: Generated<number>;
  /** ISO calendar date a follow-up is due (0012). */
  due_on: string | null;
}

export interface AuditEventsTable {
  seq: Generated<number>;
  incident_id: string;
  at: string;
  actor_id: string;
  source: string;
  type: string;
  data: string;
}

export interface ApiTokensTable {
  id: string;
  name: string;
  token_hash: string;
  user_id: string;
  created_at: string;
  revoked_at: string | null;
  /** 1: sees every incident, private ones included (0004). */
  admin: Generated<number>;
}

export interface JobsTable {
  seq: Generated<number>;
  id: string;
  type: string;
  payload: string;
  queue_key: string | null;
  dedupe_key: string | null;
  status: string;
  attempts: number;
  max_attempts: number;
  run_at: string;
  locked_by: string | null;
  locked_until: string | null;
  last_error: string | null;
  created_at: string;
  updated_at: string;
  finished_at: string | null;
}

export interface SlackInboxTable {
  id: string;
  /** 'event' or 'command'. */
  kind: string;
  /** The request's body as parsed (JSON text). */
  body: string;
  retry_num: number | null;
  retry_reason: string | null;
  received_at: string;
  attempts: number;
  claimed_by: string | null;
  claimed_until: string;
}

export interface IdempotencyKeysTable {
  key: string;
  created_at: string;
}

export interface SlackMessagesTable {
  incident_id: string;
  kind: string;
  channel_id: string;
  ts: string;
  created_at: string;
}

/** A published incident on the built-in status page (0007). */
export interface PublicIncidentsTable {
  id: string;
  incident_id: string;
  title: string;
  status: string;
  notify_subscribers: number;
  created_at: string;
  updated_at: string;
  resolved_at: string | null;
  /** Atlassian Statuspage's id and short link of it, once created there. */
  statuspage_id: string | null;
  statuspage_link: string | null;
}

export interface PublicIncidentUpdatesTable {
  seq: Generated<number>;
  id: string;
  public_incident_id: string;
  status: string;
  message: string;
  /** JSON: `[{ "name": …, "state": … }]`, the component states this update set. */
  components: string;
  at: string;
  by_id: string;
  /** When this update reached Atlassian Statuspage; null: not (yet, or not configured). */
  statuspage_synced_at: string | null;
}

/** When the last request to a rate-limited vendor (`statuspage`) went out. */
export interface VendorRequestsTable {
  vendor: string;
  last_request_at: string;
}

/** A status page component's latest published state; a configured one absent here is operational. */
export interface StatusComponentsTable {
  name: string;
  state: string;
  updated_at: string;
}

export interface PagesTable {
  id: string;
  incident_id: string;
  target: string;
  message: string;
  dedup_key: string;
  requested_by: string;
  requested_at: string;
  status: string;
  on_call: string | null;
  sent_at: string | null;
  resolved_at: string | null;
}

export interface PagingTeamsTable {
  id: string;
  name: string;
  name_key: string;
  description: string;
  routing_key: string;
  active: number;
  created_by: string;
  created_at: string;
  updated_at: string;
}

/** One root cause analysis per incident: its session date and its outcome (0012). */
export interface RcasTable {
  incident_id: string;
  held_on: string | null;
  root_cause: string | null;
  contributing_factors: string | null;
  went_well: string | null;
  went_badly: string | null;
  status: string;
  version: number;
  created_by: string;
  created_at: string;
  updated_by: string;
  updated_at: string;
}

export interface RcaAttendeesTable {
  incident_id: string;
  user_id: string;
}

/** Where an RCA was published (`target`: `confluence`), so publishing again updates it (0012). */
export interface RcaPublicationsTable {
  incident_id: string;
  target: string;
  external_id: string | null;
  external_version: number | null;
  url: string | null;
  status: string;
  requested_by: string;
  requested_at: string;
  published_at: string | null;
  last_error: string | null;
}

export interface Database {
  counters: CountersTable;
  users: UsersTable;
  incidents: IncidentsTable;
  role_assignments: RoleAssignmentsTable;
  incident_people: IncidentPeopleTable;
  nudges: NudgesTable;
  timeline_entries: TimelineEntriesTable;
  timeline_revisions: TimelineRevisionsTable;
  actions: ActionsTable;
  audit_events: AuditEventsTable;
  api_tokens: ApiTokensTable;
  jobs: JobsTable;
  idempotency_keys: IdempotencyKeysTable;
  slack_inbox: SlackInboxTable;
  slack_messages: SlackMessagesTable;
  pages: PagesTable;
  paging_teams: PagingTeamsTable;
  rcas: RcasTable;
  rca_attendees: RcaAttendeesTable;
  rca_publications: RcaPublicationsTable;
  public_incidents: PublicIncidentsTable;
  public_incident_updates: PublicIncidentUpdatesTable;
  status_components: StatusComponentsTable;
  vendor_requests: VendorRequestsTable;
}
