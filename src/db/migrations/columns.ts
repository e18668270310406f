import type { ColumnDefinitionBuilder } from 'kysely';
import type { Engine } from '../../ports/store.port.js';

/** An insertion-order key: SQLite's rowid alias on one side, an identity column on the other. */
export function serialColumn(engine: Engine) {
  return (c: ColumnDefinitionBuilder) =>
    engine === 'sqlite' ? c.primaryKey().autoIncrement() : c.primaryKey().generatedByDefaultAsIdentity();
}
