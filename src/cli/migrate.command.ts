import type { Command } from 'commander';
import type { CliIo, LazyServices } from './context.js';

export function registerMigrateCommand(program: Command, services: LazyServices, io: CliIo): void {
  program
    .command('migrate')
    .description('Bring the database schema up to date (the server also does this at start).')
    .action(async () => {
      const { store } = await services.get({ migrate: false });
      const ran = await store.migrate();
      io.out(ran.length === 0 ? `Database is up to date (${store.engine}).` : `Migrated ${store.engine}: ${ran.join(', ')}`);
    });
}
