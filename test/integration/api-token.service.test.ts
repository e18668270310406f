import assert from 'node:assert/strict';
import { createApiTokenService, hashToken } from '../../src/services/api-token.service.js';
import { describeEngines } from '../support/engines.js';
import { assertRejectsWithCode, buildIdGenerator, buildServiceDeps } from './fixtures.js';

describeEngines('api token service', (ctx) => {
  ctx.test('a created token authenticates as its own API user until it is revoked', async () => {
    const tokens = createApiTokenService(buildServiceDeps(ctx, buildIdGenerator('tok')));
    ctx.clock.set(new Date('2024-05-05T05:05:05.005Z'));
    const { token, secret } = await tokens.create('  deploy   bot ');
    assert.equal(token.name, 'deploy bot');
    assert.equal(token.user.name, 'deploy bot (API)');
    assert.deepEqual(token.createdAt, ctx.clock.now());
    assert.deepEqual(await ctx.store().tokens.findActiveByHash(hashToken(secret)), token);

    assert.equal(token.admin, false);
    assert.deepEqual(await tokens.authenticate(secret), {
      actor: { user: token.user, source: 'api' },
      viewer: { userId: token.user.id, admin: false },
    });
    assert.equal(await tokens.authenticate(`${secret}x`), null);
    assert.equal(await tokens.authenticate('not-a-token'), null);

    ctx.clock.advance(1000);
    const revoked = await tokens.revoke('deploy bot');
    assert.deepEqual(revoked, [{ ...token, revokedAt: ctx.clock.now() }]);
    assert.equal(await tokens.authenticate(secret), null);
    assert.deepEqual(
      (await tokens.list()).find((t) => t.id === token.id)?.revokedAt,
      ctx.clock.now(),
    );
    await assertRejectsWithCode(tokens.revoke('deploy bot'), 'token.not_found');
  });

  ctx.test('two tokens may share a name; each authenticates as a different user and revoking by id spares the other', async () => {
    const tokens = createApiTokenService(buildServiceDeps(ctx, buildIdGenerator('tok2')));
    const a = await tokens.create('ci');
    const b = await tokens.create('ci');
    assert.notEqual(a.token.user.id, b.token.user.id);
    await tokens.revoke(a.token.id);
    assert.equal(await tokens.authenticate(a.secret), null);
    assert.equal((await tokens.authenticate(b.secret))?.actor.user.id, b.token.user.id);
  });

  ctx.test('a blank or overlong name is refused and stores nothing', async () => {
    const tokens = createApiTokenService(buildServiceDeps(ctx, buildIdGenerator('tok3')));
    const before = (await tokens.list()).length;
    await assertRejectsWithCode(tokens.create('   '), 'token.invalid');
    await assertRejectsWithCode(tokens.create('x'.repeat(81)), 'token.invalid');
    assert.equal((await tokens.list()).length, before);
  });
});
