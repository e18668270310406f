import { buildApp } from './app.js';
import { ConfigError, loadConfig } from './config/config.js';
import { describeDatabase } from './db/database-url.js';
import { createLogger } from './logger.js';

/** Process entry: configure, migrate, serve; on SIGTERM drain requests and close the database. */
async function main(): Promise<void> {
  let config;
  try {
    config = loadConfig(process.env, process.cwd());
  } catch (error) {
    if (error instanceof ConfigError) {
      process.stderr.write(`${error.message}\nSee the configuration table in README.md.\n`);
      process.exit(78); // EX_CONFIG
    }
    throw error;
  }
  const app = await buildApp(config);
  const log = app.logger;
  log.info({ database: describeDatabase(config.database) }, 'starting');
  const ran = await app.store.migrate();
  if (ran.length > 0) log.info({ migrations: ran }, 'database migrated');
  if (!app.slack) log.info('Slack is not configured: running with the web site and REST API only');
  else log.info({ mode: app.slack.mode, command: config.slack?.command }, `Slack is on (${app.slack.mode === 'socket' ? 'Socket Mode' : 'HTTP mode, POST /slack/events'})`);

  let stopping = false;
  const stop = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    log.info({ signal }, 'stopping: draining in-flight requests');
    const timer = setTimeout(() => {
      log.error('shutdown timed out; exiting');
      process.exit(1);
    }, config.shutdownTimeoutMs);
    timer.unref();
    try {
      await app.close();
      log.info('stopped');
      process.exit(0);
    } catch (error) {
      log.error({ err: error }, 'error while stopping');
      process.exit(1);
    }
  };
  process.on('SIGTERM', () => void stop('SIGTERM'));
  process.on('SIGINT', () => void stop('SIGINT'));

  await app.server.listen({ port: config.port, host: config.host });
  await app.start();
  log.info({ url: config.publicUrl, api: `${config.publicUrl}/api/v1/openapi.json` }, 'incident-response is ready');
}

main().catch((error: unknown) => {
  createLogger('error').fatal({ err: error }, 'failed to start');
  process.exit(1);
});
