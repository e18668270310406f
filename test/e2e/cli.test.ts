import assert from 'node:assert/strict';
import { cli } from '../support/cli.js';
import { describeEngines } from '../support/engines.js';
import { startApp } from '../support/http-app.js';

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

  ctx.test('token create --as acts as an existing person, --admin sees private incidents, and list shows each scope', async () => {
    const running = await startApp(ctx.databaseUrl);
    try {
      const declared = await running.api('/api/v1/incidents', {
        method: 'POST',
        body: { title: 'Private by the app token', private: true, roles: { lead: { email: 'lena@example.org', name: 'Lena Lead' } } },
      });
      assert.equal(declared.status, 201);
      const path = `/api/v1/incidents/${declared.body.reference}`;

      const before = await cli(ctx.databaseUrl, 'token', 'list');
      const unknown = await cli(ctx.databaseUrl, 'token', 'create', 'ghost script', '--as', 'nobody@example.org');
      assert.equal(unknown.code, 1);
      assert.match(unknown.stderr, /Nobody with the email "nobody@example.org"/);
      assert.equal(unknown.stdout, '', 'no secret is printed');
      assert.equal((await cli(ctx.databaseUrl, 'token', 'list')).stdout, before.stdout, 'nothing was written');

      const asLena = await cli(ctx.databaseUrl, 'token', 'create', 'lena script', '--as', 'LENA@example.org');
      assert.equal(asLena.code, 0, asLena.stderr);
      assert.match(asLena.stdout, /acts as lena@example\.org, sees public incidents and private ones its user is in/);
      const lenaSecret = asLena.stdout.trimEnd().split('\n').at(-1)!;
      assert.equal((await running.api(path, { token: lenaSecret })).status, 200, 'the lead sees their private incident');
      const byLena = await running.api('/api/v1/incidents', { method: 'POST', body: { title: 'Declared as Lena' }, token: lenaSecret });
      assert.equal(byLena.body.roles.find((r: { role: string }) => r.role === 'reporter').holder.name, 'Lena Lead');

      const plain = await cli(ctx.databaseUrl, 'token', 'create', 'plain script');
      const plainSecret = plain.stdout.trimEnd().split('\n').at(-1)!;
      assert.equal((await running.api(path, { token: plainSecret })).status, 404, 'a token of its own sees no one else’s private incident');

      const admin = await cli(ctx.databaseUrl, 'token', 'create', 'operator', '--admin');
      assert.equal(admin.code, 0, admin.stderr);
      const adminSecret = admin.stdout.trimEnd().split('\n').at(-1)!;
      assert.match(adminSecret, /^irt_[A-Za-z0-9_-]{43}$/);
      assert.equal((await running.api(path, { token: adminSecret })).status, 200, 'an admin token sees every private incident');

      const listed = (await cli(ctx.databaseUrl, 'token', 'list')).stdout;
      assert.match(listed, / {2}lena script {2}acts as lena@example\.org, sees public incidents and private ones its user is in {2}created .* active/);
      assert.match(listed, / {2}plain script {2}acts as plain script \(API\), sees public incidents and private ones its user is in {2}created .* active/);
      assert.match(listed, / {2}operator {2}acts as operator \(API\), sees every incident \(admin\) {2}created .* active/);
      assert.doesNotMatch(listed, /ghost script/);
    } finally {
      await running.close();
    }
  });
});
