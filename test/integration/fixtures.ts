import assert from 'node:assert/strict';
import type { TransitionContext } from '../../src/domain/context.js';
import { DomainError, type ErrorCode } from '../../src/domain/errors.js';
import type { IncidentId, RoleAssignmentId, SlackUserId, UserId } from '../../src/domain/ids.js';
import type { Incident, RoleAssignment } from '../../src/domain/incident.js';
import { defaultSeverityScale } from '../../src/domain/severity.js';
import type { Actor, User } from '../../src/domain/user.js';
import type { IdGenerator } from '../../src/ports/clock.port.js';
import type { Repositories, Store } from '../../src/ports/store.port.js';
import type { ServiceDeps } from '../../src/services/context.js';
import type { EngineContext } from '../support/engines.js';

/**
 * Ids `prefix_1`, `prefix_2`...: deterministic, and unique within one suite's database. Not
 * `prefix-1`: services read anything shaped like `INC-42` as a reference, not an id.
 */
export function buildIdGenerator(prefix: string): IdGenerator {
  let counter = 0;
  return { newId: () => `${prefix}_${++counter}` };
}

/** A time on 2024-01-01 (UTC), `minutes` after 09:00, the default start of the manual clock. */
export function at(minutes: number): Date {
  return new Date(Date.UTC(2024, 0, 1, 9, minutes));
}

/** A person whose id, email and Slack id all derive from `key`, so tests never collide. */
export function buildUser(key: string, overrides: Partial<User> = {}): User {
  return {
    id: `user-${key}` as UserId,
    name: `User ${key}`,
    email: `${key}@example.com`,
    slackUserId: `U-${key}` as SlackUserId,
    ...overrides,
  };
}

/** Stores a user (it must be new) and returns it. */
export async function insertUser(repos: Repositories, key: string, overrides: Partial<User> = {}): Promise<User> {
  const user = buildUser(key, overrides);
  assert.equal(await repos.users.insertIfAbsent(user), true, `user ${key} already existed`);
  return user;
}

/** A role assignment; ids derive from `key`. */
export function buildAssignment(key: string, fields: Omit<RoleAssignment, 'id'>): RoleAssignment {
  return { id: `assignment-${key}` as RoleAssignmentId, ...fields };
}

/** An open, live incident with nothing optional filled in; `number` sets id and reference. */
export function buildIncident(number: number, reporter: User, overrides: Partial<Incident> = {}): Incident {
  return {
    id: `incident-${number}` as IncidentId,
    number,
    reference: `INC-${number}`,
    title: `Incident ${number}`,
    status: 'open',
    closeReason: null,
    blockedUntil: null,
    reportOnly: false,
    occurredAt: null,
    private: false,
    drill: false,
    summary: null,
    impact: null,
    severity: null,
    startedAt: at(0),
    endedAt: null,
    channel: null,
    channelArchivedAt: null,
    reporter,
    roleAssignments: [],
    people: [],
    // The repository stores every new incident as version 1.
    version: 1,
    createdAt: at(0),
    updatedAt: at(0),
    ...overrides,
  };
}

/** Takes the next number in its own transaction and stores a fresh incident under it. */
export async function insertIncident(store: Store, reporter: User, overrides: Partial<Incident> = {}): Promise<Incident> {
  return store.transaction(async (repos) => {
    const incident = buildIncident(await repos.incidents.allocateNumber(), reporter, overrides);
    await repos.incidents.insert(incident);
    return incident;
  });
}

/** A transition context for calling domain functions directly in repository tests. */
export function buildTransitionContext(actor: User, when: Date, ids: IdGenerator): TransitionContext {
  return { at: when, actor, newId: () => ids.newId(), severities: defaultSeverityScale };
}

/** Service dependencies over the suite's store and manual clock. */
export function buildServiceDeps(ctx: EngineContext, ids: IdGenerator): ServiceDeps {
  return { store: ctx.store(), clock: ctx.clock, ids, severities: defaultSeverityScale, referencePrefix: 'INC' };
}

/** Stores a new user and returns them as an actor working through the API. */
export async function insertApiActor(store: Store, key: string): Promise<Actor> {
  return { user: await insertUser(store, key), source: 'api' };
}

/** Awaits `promise`, expecting it to reject with a DomainError of this code. */
export async function assertRejectsWithCode(promise: Promise<unknown>, code: ErrorCode): Promise<void> {
  await assert.rejects(promise, (error: unknown) => {
    assert.ok(error instanceof DomainError, `expected a DomainError, got ${String(error)}`);
    assert.equal(error.code, code);
    return true;
  });
}

/** Role assignments in a stable order, for comparing histories whose rows share a timestamp. */
export function byAssignmentId(assignments: readonly RoleAssignment[]): RoleAssignment[] {
  return [...assignments].sort((a, b) => a.id.localeCompare(b.id));
}
