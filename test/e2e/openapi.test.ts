import assert from 'node:assert/strict';
import fs from 'node:fs/promises';
import { describe, it } from 'node:test';
import { OPENAPI_PATH, renderOpenApiDocument } from '../../src/http/openapi-document.js';
import { startApp } from '../support/http-app.js';

describe('the OpenAPI document', () => {
  it('checked-in docs/openapi.json is current (regenerate with `npm run openapi`)', async () => {
    const checkedIn = await fs.readFile(OPENAPI_PATH, 'utf8');
    assert.equal(checkedIn, await renderOpenApiDocument(), 'docs/openapi.json is stale: run `npm run openapi`');
  });

  it('is served without a token at /api/v1/openapi.json and lists every route', async () => {
    const running = await startApp('sqlite::memory:');
    try {
      const response = await running.api('/api/v1/openapi.json', { token: null });
      assert.equal(response.status, 200);
      assert.equal(response.body.openapi, '3.1.0');
      const paths = Object.keys(response.body.paths);
      for (const path of [
        '/api/v1/incidents',
        '/api/v1/incidents/{id}',
        '/api/v1/incidents/{id}/timeline',
        '/api/v1/incidents/{id}/timeline/{entryId}',
        '/api/v1/incidents/{id}/timeline/{entryId}/history',
        '/api/v1/incidents/{id}/actions',
        '/api/v1/incidents/{id}/actions/{actionId}',
      ]) {
        assert.ok(paths.includes(path), `${path} is documented`);
      }
      const checkedIn = JSON.parse(await fs.readFile(OPENAPI_PATH, 'utf8'));
      assert.deepEqual(response.body, checkedIn);
    } finally {
      await running.close();
    }
  });
});
