import assert from 'node:assert/strict';
import { before } from 'node:test';
import type { Actor } from '../../src/domain/user.js';
import { createIncidentService, type IncidentService } from '../../src/services/incident.service.js';
import { describeEngines } from '../support/engines.js';
import { buildIdGenerator, buildServiceDeps, insertApiActor } from './fixtures.js';

// Found by the REST API fuzz suite: `GET /api/v1/incidents?q=%00` was a 500 on PostgreSQL, which
// cannot hold U+0000 in text. Every string bound to a query now drops it, on both engines alike.
describeEngines('NUL characters in text', (ctx) => {
  let service: IncidentService;
  let actor: Actor;

  before(async () => {
    service = createIncidentService(buildServiceDeps(ctx, buildIdGenerator('nul')));
    actor = await insertApiActor(ctx.store(), 'nul-declarer');
  });

  ctx.test('a NUL in written text is dropped, not a database error', async () => {
    const declared = await service.declare(actor, { title: 'Disk\u0000 full', summary: 'a\u0000b' });
    const stored = await service.get(declared.id);
    assert.equal(stored.title, 'Disk full');
    assert.equal(stored.summary, 'ab');
  });

  ctx.test('a NUL in a search is dropped, not a database error', async () => {
    await service.declare(actor, { title: 'Queue stalled' });
    const page = await service.list({ text: 'Queue\u0000 stalled', limit: 10 });
    assert.deepEqual(
      page.items.map((i) => i.title),
      ['Queue stalled'],
    );
  });
});
