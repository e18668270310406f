import assert from 'node:assert/strict';
import { after, before } from 'node:test';
import { sql } from 'kysely';
import { buildServices, type Services } from '../../src/app.js';
import { loadConfig } from '../../src/config/config.js';
import { connect, type Connection } from '../../src/db/connect.js';
import type { Incident } from '../../src/domain/incident.js';
import { anonymisedName } from '../../src/domain/retention.js';
import type { Actor, User } from '../../src/domain/user.js';
import { describeEngines, ManualClock } from '../support/engines.js';

const DAY = 24 * 60 * 60 * 1000;

/** The tables the policy may change, every row in a fixed order: compared whole before and after. */
async function snapshot(connection: Connection): Promise<string> {
  const tables = ['users', 'timeline_entries', 'timeline_revisions', 'audit_events'];
  const out: Record<string, unknown> = {};
  for (const table of tables) {
    const order = table === 'timeline_revisions' ? sql`entry_id, revision` : table === 'audit_events' ? sql`seq` : sql`id`;
    out[table] = (await sql`select * from ${sql.table(table)} order by ${order}`.execute(connection.db)).rows;
  }
  return JSON.stringify(out);
}

// The retention policy on each engine, through the composed services and a clock the test moves:
// who qualifies from the real record, what the plan counts, and what applying it rewrites.
describeEngines('retention: anonymising people after the policy period', (ctx) => {
  let services: Services;
  let raw: Connection;
  let clock: ManualClock;
  let ada: Actor;
  const people: Record<string, User> = {};
  const incidents: Record<string, Incident> = {};

  before(async () => {
    clock = new ManualClock(new Date('2020-01-06T09:00:00.000Z'));
    const config = loadConfig(
      { DATABASE_URL: ctx.databaseUrl, LOG_LEVEL: 'silent', NODE_ENV: 'test', RETENTION_ANONYMISE_AFTER: '1y', ADMIN_EMAILS: 'ada@example.org' },
      process.cwd(),
    );
    services = buildServices(config, { clock });
    await services.store.migrate();
    raw = connect(config.database);
    ada = { user: await services.users.fromSignIn({ email: 'ada@example.org', name: 'Ada Admin' }), source: 'web' };

    const withLead = async (key: string, title: string, lead: { email: string; name: string }) => {
      const incident = await services.incidents.declare(ada, { title, roles: { lead } });
      incidents[key] = incident;
      people[key] = incident.roleAssignments.find((a) => a.role === 'lead')!.holder;
      return incident;
    };
    // Lena led an incident in 2020: her name is copied into its notes, a correction and the audit trail.
    const a = await withLead('lena', 'Database failover', { email: 'lena@example.org', name: 'Lena Lead' });
    const note = await services.timeline.add(ada, a.reference, { kind: 'note', text: 'Lena Lead restarted the primary; ask lena@example.org' });
    clock.advance(60_000);
    await services.timeline.revise(ada, a.reference, note.id, { text: 'Lena Lead restarted the primary at 09:02' });
    await services.incidents.update(ada, a.reference, { status: 'closed', closeReason: 'resolved' });
    // Sam led one in 2020 too, but leads one still open.
    const b = await withLead('sam', 'Queue backlog', { email: 'sam@example.org', name: 'Sam Scribe' });
    await services.incidents.update(ada, b.reference, { status: 'closed', closeReason: 'resolved' });
    await services.incidents.declare(ada, { title: 'Still burning', roles: { lead: { email: 'sam@example.org' } } });
    // Tom's integration still uses a token acting as him.
    const c = await withLead('tom', 'Reports late', { email: 'tom@example.org', name: 'Tom Tools' });
    await services.incidents.update(ada, c.reference, { status: 'closed', closeReason: 'resolved' });
    await services.tokens.create('tom script', { as: 'tom@example.org' });
    // Olly's incident ended a month before "now".
    clock.set(new Date('2024-04-01T09:00:00.000Z'));
    const d = await withLead('olly', 'Search slow', { email: 'olly@example.org', name: 'Olly Oncall' });
    await services.incidents.update(ada, d.reference, { status: 'closed', closeReason: 'resolved' });
    clock.set(new Date('2024-05-01T09:00:00.000Z'));
  });
  after(async () => {
    await raw.db.destroy();
    await services.store.close();
  });

  ctx.test('the plan lists only those whose every incident ended over the period ago, and changes nothing', async () => {
    const before = await snapshot(raw);
    const plan = await services.retention.plan();
    assert.ok(plan);
    assert.equal(plan.cutoff.toISOString(), '2023-05-01T09:00:00.000Z');
    assert.deepEqual(plan.people.map((p) => p.user.name), ['Lena Lead'], 'not the admin, Sam (open incident), Tom (token) or Olly (recent)');
    const [lena] = plan.people;
    assert.equal(lena!.user.email, 'lena@example.org');
    assert.equal(lena!.incidents, 1);
    assert.equal(lena!.lastInvolvement.toISOString(), '2020-01-06T09:01:00.000Z');
    // Her role's timeline line and audit event, the note and its two revisions, the note's audit... at least those.
    assert.ok(lena!.textEntries >= 5, `text entries: ${lena!.textEntries}`);
    assert.equal(lena!.newName, anonymisedName(people.lena!.id));
    assert.equal(await snapshot(raw), before, 'a plan writes nothing');
  });

  ctx.test('applying anonymises the person and their name wherever it was copied in their incidents; a second run does nothing', async () => {
    const planned = (await services.retention.plan())!;
    const done = (await services.retention.apply())!;
    assert.deepEqual(done.people.map((p) => [p.user.id, p.textEntries]), planned.people.map((p) => [p.user.id, p.textEntries]), 'did what it planned');

    const lena = people.lena!;
    const newName = anonymisedName(lena.id);
    const stored = await services.store.users.findById(lena.id);
    assert.deepEqual(stored, { id: lena.id, name: newName, email: null, slackUserId: null });
    const row = await raw.db.selectFrom('users').select('anonymised_at').where('id', '=', lena.id).executeTakeFirstOrThrow();
    assert.equal(row.anonymised_at, '2024-05-01T09:00:00.000Z');

    const reference = incidents.lena!.reference;
    const timeline = await services.timeline.list(reference);
    const texts = timeline.map((e) => e.text);
    assert.ok(texts.includes(`${newName} is now Incident lead`), texts.join('\n'));
    assert.ok(texts.includes(`${newName} restarted the primary at 09:02`));
    const note = timeline.find((e) => e.kind === 'note')!;
    const history = (await services.timeline.history(reference, note.id)).map((r) => r.text);
    assert.deepEqual(history, [`${newName} restarted the primary; ask ${newName}`, `${newName} restarted the primary at 09:02`]);
    const audit = JSON.stringify(await services.incidents.audit(reference));
    assert.doesNotMatch(audit, /Lena Lead|lena@example\.org/);
    assert.match(audit, new RegExp(newName));
    const incident = await services.incidents.get(reference);
    assert.equal(incident.roleAssignments.find((a) => a.role === 'lead')?.holder.name, newName);

    // Nobody else was touched.
    for (const key of ['sam', 'tom', 'olly']) {
      const other = await services.store.users.findById(people[key]!.id);
      assert.deepEqual(other, people[key], key);
    }
    assert.match(JSON.stringify(await services.timeline.list(incidents.sam!.reference)), /Sam Scribe is now Incident lead/);

    const before = await snapshot(raw);
    const again = (await services.retention.apply())!;
    assert.deepEqual(again.people, [], 'an anonymised person is never planned again');
    assert.deepEqual((await services.retention.plan())!.people, []);
    assert.equal(await snapshot(raw), before);
  });

  ctx.test('someone involved again since is left alone; once their new incident is old enough, they go too', async () => {
    // Tom's token is revoked: he now qualifies, unless he turns up again.
    await services.tokens.revoke('tom script');
    assert.deepEqual((await services.retention.plan())!.people.map((p) => p.user.id), [people.tom!.id]);
    const back = await services.incidents.declare(ada, { title: 'Tom is back', roles: { lead: { email: 'tom@example.org' } } });
    assert.deepEqual((await services.retention.plan())!.people, [], 'in an open incident');
    await services.incidents.update(ada, back.reference, { status: 'closed', closeReason: 'resolved' });
    assert.deepEqual((await services.retention.plan())!.people, [], 'recent');
    clock.advance(400 * DAY);
    const done = (await services.retention.apply())!;
    assert.ok(done.people.some((p) => p.user.id === people.tom!.id && p.incidents === 2));
  });
});
