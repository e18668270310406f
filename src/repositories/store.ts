import { sql } from 'kysely';
import type { Clock } from '../ports/clock.port.js';
import type { Engine, Repositories, Store } from '../ports/store.port.js';
import type { Connection } from '../db/connect.js';
import { migrateToLatest } from '../db/migrate.js';
import { createActionRepository } from './action.repository.js';
import { createApiTokenRepository } from './api-token.repository.js';
import { createAuditRepository } from './audit.repository.js';
import { createIncidentRepository } from './incident.repository.js';
import type { Db } from './rows.js';
import { createTimelineRepository } from './timeline.repository.js';
import { createUserRepository } from './user.repository.js';

function repositories(db: Db, engine: Engine, clock: Clock): Repositories {
  return {
    incidents: createIncidentRepository(db, engine),
    users: createUserRepository(db, () => clock.now()),
    timeline: createTimelineRepository(db),
    actions: createActionRepository(db),
    audit: createAuditRepository(db),
    tokens: createApiTokenRepository(db),
  };
}

/** The Store port over one Kysely connection (SQLite or PostgreSQL, same code). */
export function createStore(connection: Connection, clock: Clock): Store {
  const { db } = connection;
  const engine = connection.target.engine;
  return {
    engine,
    ...repositories(db, engine, clock),
    transaction: (work) => db.transaction().execute((trx) => work(repositories(trx, engine, clock))),
    migrate: () => migrateToLatest(db, connection.target.engine),
    async ping() {
      await sql`select 1`.execute(db);
    },
    close: () => db.destroy(),
  };
}
