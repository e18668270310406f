import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { after, before } from 'node:test';
import { sql } from 'kysely';
import { buildServices, type Services } from '../../src/app.js';
import { loadConfig } from '../../src/config/config.js';
import { connect, type Connection } from '../../src/db/connect.js';
import type { User } from '../../src/domain/user.js';
import { describeEngines, ManualClock } from '../support/engines.js';

const run = promisify(execFile);

/** `npm run cli -- …` for real, as cron would run it, with the policy in its environment. */
async function cli(databaseUrl: string, env: Record<string, string>, ...args: string[]): Promise<{ stdout: string; stderr: string; code: number }> {
  try {
    const { stdout, stderr } = await run(process.execPath, ['--import', 'tsx', 'src/cli/main.ts', ...args], {
      env: { ...process.env, DATABASE_URL: databaseUrl, RETENTION_ANONYMISE_AFTER: '', ADMIN_EMAILS: '', ...env },
    });
    return { stdout, stderr, code: 0 };
  } catch (error) {
    const failed = error as { stdout: string; stderr: string; code: number };
    return { stdout: failed.stdout, stderr: failed.stderr, code: failed.code };
  }
}

/** Every row of the tables the policy counts and changes, in a fixed order. */
async function snapshot(connection: Connection): Promise<string> {
  const out: Record<string, unknown> = {};
  for (const [table, order] of [
    ['users', sql`id`],
    ['timeline_entries', sql`id`],
    ['timeline_revisions', sql`entry_id, revision`],
    ['audit_events', sql`seq`],
  ] as const) {
    out[table] = (await sql`select * from ${sql.table(table)} order by ${order}`.execute(connection.db)).rows;
  }
  return JSON.stringify(out);
}

// The operator's view: the record was written years ago (a manual clock), the CLI runs now.
describeEngines('CLI: retention', (ctx) => {
  let services: Services;
  let raw: Connection;
  let lena: User;
  const policy = { RETENTION_ANONYMISE_AFTER: '1y', ADMIN_EMAILS: 'ada@example.org' };

  before(async () => {
    const clock = new ManualClock(new Date('2020-03-02T10:00:00.000Z'));
    const config = loadConfig({ DATABASE_URL: ctx.databaseUrl, LOG_LEVEL: 'silent', NODE_ENV: 'test' }, process.cwd());
    services = buildServices(config, { clock });
    await services.store.migrate();
    raw = connect(config.database);
    const ada = { user: await services.users.fromSignIn({ email: 'ada@example.org', name: 'Ada Admin' }), source: 'web' as const };
    const incident = await services.incidents.declare(ada, { title: 'Old outage', roles: { lead: { email: 'lena.long@example.org', name: 'Lena Long' } } });
    lena = incident.roleAssignments[0]!.holder;
    await services.timeline.add(ada, incident.reference, { kind: 'note', text: 'Lena Long failed over the database' });
    await services.incidents.update(ada, incident.reference, { status: 'closed', closeReason: 'resolved' });
    // Someone still at work: an incident open now keeps them.
    clock.set(new Date());
    await services.incidents.declare(ada, { title: 'Happening now', roles: { lead: { email: 'nina@example.org', name: 'Nina Now' } } });
  });
  after(async () => {
    await raw.db.destroy();
    await services.store.close();
  });

  ctx.test('with the policy off it says so, changes nothing and exits 0', async () => {
    const before = await snapshot(raw);
    const off = await cli(ctx.databaseUrl, {}, 'retention');
    assert.equal(off.code, 0, off.stderr);
    assert.match(off.stdout, /The retention policy is off \(RETENTION_ANONYMISE_AFTER is unset or off\): nothing to do\./);
    assert.equal((await cli(ctx.databaseUrl, {}, 'retention', '--apply')).code, 0);
    assert.equal(await snapshot(raw), before);
  });

  ctx.test('a bad RETENTION_ANONYMISE_AFTER is named and refused', async () => {
    const bad = await cli(ctx.databaseUrl, { RETENTION_ANONYMISE_AFTER: '3 years' }, 'retention');
    assert.notEqual(bad.code, 0);
    assert.match(bad.stderr, /RETENTION_ANONYMISE_AFTER: expected off, years like 3y/);
  });

  ctx.test('the dry run lists who would change (email partly masked) and a total, and leaves every row as it was', async () => {
    const before = await snapshot(raw);
    const dry = await cli(ctx.databaseUrl, policy, 'retention');
    assert.equal(dry.code, 0, dry.stderr);
    assert.match(dry.stdout, /anonymise people whose every incident ended more than 1 year ago/);
    assert.match(dry.stdout, /Dry run: nothing was changed\. Run with --apply to anonymise\./);
    const line = dry.stdout.split('\n').find((l) => l.startsWith(`${lena.id}\t`));
    assert.ok(line, dry.stdout);
    assert.match(line, /\tLena Long\tl\*\*\*@example\.org\tlast involved 2020-03-02\t1 incident\(s\)\t\d+ text entries\t-> Former colleague [0-9A-F]{6}$/);
    assert.doesNotMatch(dry.stdout, /lena\.long@example\.org|Nina Now|Ada Admin/);
    assert.match(dry.stdout, /Would anonymise 1 person, 1 incident involvement\(s\), \d+ text entries/);
    assert.match(dry.stdout, /Covered: .*Not covered: /);
    assert.equal(await snapshot(raw), before, 'byte for byte the same');
  });

  ctx.test('--apply anonymises and prints what it did; a second --apply does nothing', async () => {
    const applied = await cli(ctx.databaseUrl, policy, 'retention', '--apply');
    assert.equal(applied.code, 0, applied.stderr);
    assert.match(applied.stdout, new RegExp(`^${lena.id}\\tnow Former colleague [0-9A-F]{6}\\tlast involved 2020-03-02\\t1 incident\\(s\\)\\t\\d+ text entries rewritten$`, 'm'));
    assert.match(applied.stdout, /Anonymised 1 person/);
    assert.doesNotMatch(applied.stdout, /Lena Long|lena\.long@/, 'former names stay out of cron mail');

    const stored = await services.store.users.findById(lena.id);
    assert.match(stored!.name, /^Former colleague [0-9A-F]{6}$/);
    assert.equal(stored!.email, null);
    const { rows } = await sql<{ n: number | string }>`select count(*) as n from timeline_entries where text like ${'%Lena Long%'}`.execute(raw.db);
    assert.equal(Number(rows[0]!.n), 0, 'no timeline line names her');

    const before = await snapshot(raw);
    const again = await cli(ctx.databaseUrl, policy, 'retention', '--apply');
    assert.equal(again.code, 0, again.stderr);
    assert.match(again.stdout, /Nobody to anonymise\./);
    assert.match(again.stdout, /Anonymised 0 people/);
    assert.equal(await snapshot(raw), before);
  });
});
