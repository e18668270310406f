import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { describeEngines } from '../support/engines.js';
import { startApp } from '../support/http-app.js';

const run = promisify(execFile);

/** Runs `npm run cli -- …`'s command for real, as an operator would. */
async function cli(databaseUrl: string, ...args: string[]): Promise<{ stdout: string; stderr: string; code: number }> {
  try {
    const { stdout, stderr } = await run(process.execPath, ['--import', 'tsx', 'src/cli/main.ts', ...args], {
      env: { ...process.env, DATABASE_URL: databaseUrl },
    });
    return { stdout, stderr, code: 0 };
  } catch (error) {
    const failed = error as { stdout: string; stderr: string; code: number };
    return { stdout: failed.stdout, stderr: failed.stderr, code: failed.code };
  }
}

describeEngines('the admin CLI', (ctx) => {
  ctx.test('token create prints the secret alone on its last line; it works until revoked', async () => {
    const migrated = await cli(ctx.databaseUrl, 'migrate');
    assert.equal(migrated.code, 0, migrated.stderr);
    assert.match(migrated.stdout, /up to date|Migrated/);

    const created = await cli(ctx.databaseUrl, 'token', 'create', 'ops script');
    assert.equal(created.code, 0, created.stderr);
    const lines = created.stdout.trimEnd().split('\n');
    const secret = lines.at(-1)!;
    assert.match(secret, /^irt_[A-Za-z0-9_-]{43}$/);

    const listed = await cli(ctx.databaseUrl, 'token', 'list');
    assert.match(listed.stdout, /ops script .* active/);
    assert.ok(!listed.stdout.includes(secret), 'list never shows a secret');

    const running = await startApp(ctx.databaseUrl);
    try {
      const declared = await running.api('/api/v1/incidents', { method: 'POST', body: { title: 'Declared by a script' }, token: secret });
      assert.equal(declared.status, 201);
      const incidents = await cli(ctx.databaseUrl, 'incidents', 'list', '--status', 'open');
      assert.match(incidents.stdout, new RegExp(`${declared.body.reference}\\topen\\t-\\t.*Declared by a script`));

      const revoked = await cli(ctx.databaseUrl, 'token', 'revoke', 'ops script');
      assert.equal(revoked.code, 0, revoked.stderr);
      assert.equal((await running.api('/api/v1/incidents', { token: secret })).status, 401);
    } finally {
      await running.close();
    }

    const again = await cli(ctx.databaseUrl, 'token', 'revoke', 'ops script');
    assert.equal(again.code, 1);
    assert.match(again.stderr, /No live token/);
  });
});
