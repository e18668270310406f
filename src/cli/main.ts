import { Command, CommanderError } from 'commander';
import { ConfigError } from '../config/config.js';
import { DomainError } from '../domain/errors.js';
import { CliFailure, lazyServices, type CliIo } from './context.js';
import { registerImportCommand } from './import.command.js';
import { registerIncidentCommands } from './incidents.command.js';
import { registerJobCommands } from './jobs.command.js';
import { registerMigrateCommand } from './migrate.command.js';
import { registerRetentionCommand } from './retention.command.js';
import { registerTokenCommands } from './token.command.js';

async function main(argv: string[]): Promise<number> {
  const io: CliIo = { out: (line) => process.stdout.write(`${line}\n`) };
  const services = lazyServices();
  const program = new Command()
    .name('npm run cli --')
    .description('Administer incident-response: database, API tokens, incidents, background jobs.')
    .exitOverride()
    .showHelpAfterError();
  registerMigrateCommand(program, services, io);
  registerTokenCommands(program, services, io);
  registerIncidentCommands(program, services, io);
  registerImportCommand(program, services, io);
  registerJobCommands(program, services, io);
  registerRetentionCommand(program, services, io);
  try {
    await program.parseAsync(argv);
    return 0;
  } catch (error) {
    if (error instanceof CommanderError) return error.exitCode;
    if (error instanceof ConfigError || error instanceof DomainError || error instanceof CliFailure) {
      process.stderr.write(`${error.message}\n`);
      return error instanceof ConfigError ? 78 : 1;
    }
    throw error;
  } finally {
    await services.close();
  }
}

main(process.argv).then(
  (code) => process.exit(code),
  (error: unknown) => {
    process.stderr.write(`${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
    process.exit(1);
  },
);
