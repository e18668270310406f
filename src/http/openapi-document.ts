import { buildApp } from '../app.js';
import { loadConfig } from '../config/config.js';

/**
 * The OpenAPI document as the server serves it, rendered with the default configuration on an
 * in-memory database, so the checked-in copy does not depend on anyone's environment.
 */
export async function renderOpenApiDocument(): Promise<string> {
  const app = await buildApp(loadConfig({ DATABASE_URL: 'sqlite::memory:', LOG_LEVEL: 'silent' }, process.cwd()));
  try {
    await app.server.ready();
    return `${JSON.stringify(app.server.swagger(), null, 2)}\n`;
  } finally {
    await app.close();
  }
}

export const OPENAPI_PATH = 'docs/openapi.json';
