import type { TransitionContext } from '../../src/domain/context.js';
import type { IncidentId, UserId } from '../../src/domain/ids.js';
import type { Incident } from '../../src/domain/incident.js';
import { declareIncident, type DeclareInput } from '../../src/domain/incident-transitions.js';
import { defaultSeverityScale } from '../../src/domain/severity.js';
import type { User } from '../../src/domain/user.js';

/** The fixed "now" of every unit test; nothing reads the system clock. */
export const NOW_ISO = '2024-05-01T12:00:00.000Z';

/** A fresh copy of the fixed time, so no test can change another's clock. */
export function fixedNow(): Date {
  return new Date(NOW_ISO);
}

/** `fixedNow()` moved by `minutes` (negative for the past). */
export function minutesFromNow(minutes: number): Date {
  return new Date(fixedNow().getTime() + minutes * 60_000);
}

/** A person; defaults to Alice. */
export function buildUser(overrides: Partial<User> = {}): User {
  return {
    id: 'user-alice' as UserId,
    name: 'Alice',
    email: 'alice@example.com',
    slackUserId: null,
    ...overrides,
  };
}

/** A transition context: fixed time, Alice as actor, ids `id-1`, `id-2`... and the default scale. */
export function buildContext(overrides: Partial<TransitionContext> = {}): TransitionContext {
  let counter = 0;
  return {
    at: fixedNow(),
    actor: buildUser(),
    newId: () => `id-${++counter}`,
    severities: defaultSeverityScale,
    ...overrides,
  };
}

/** An open, live incident INC-1 declared through `declareIncident`. */
export function buildIncident(overrides: Partial<DeclareInput> = {}, ctx: TransitionContext = buildContext()): Incident {
  return declareIncident(
    {
      id: 'incident-1' as IncidentId,
      number: 1,
      referencePrefix: 'INC',
      title: 'Checkout is failing',
      reportOnly: false,
      ...overrides,
    },
    ctx,
  ).state;
}
