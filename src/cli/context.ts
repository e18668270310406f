import { buildServices, type Services } from '../app.js';
import { loadConfig } from '../config/config.js';
import { createLogger } from '../logger.js';

/** Output of a CLI command: what it prints goes to stdout, so scripts can read it. */
export interface CliIo {
  out(line: string): void;
}

/** A command could not do what was asked (an unknown id...): its message goes to stderr, exit code 1. */
export class CliFailure extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'CliFailure';
  }
}

export interface LazyServices {
  /** The services, built on first use; the schema is migrated first unless `migrate: false`. */
  get(options?: { migrate?: boolean }): Promise<Services>;
  close(): Promise<void>;
}

/** Builds the services once, on the first command that needs them (`--help` needs none). */
export function lazyServices(): LazyServices {
  let services: Services | undefined;
  let migrated = false;
  return {
    async get(options = {}) {
      if (!services) {
        const config = loadConfig(process.env, process.cwd());
        // Logs go to stderr: stdout is the command's answer (a new token must be alone on its line).
        services = buildServices(config, { logger: createLogger('warn', process.stderr) });
      }
      if (options.migrate !== false && !migrated) {
        await services.store.migrate();
        migrated = true;
      }
      return services;
    },
    async close() {
      await services?.store.close();
    },
  };
}
