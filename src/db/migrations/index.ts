import type { Migration } from 'kysely';
import type { Engine } from '../../ports/store.port.js';
import { initialMigration } from './0001-initial.js';

/** Every migration, in order. Names sort; never rename or edit one that has shipped. */
export function migrations(engine: Engine): Record<string, Migration> {
  return {
    '0001-initial': initialMigration(engine),
  };
}
