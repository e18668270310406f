/**
 * Fault: the database stops answering while a slash command is being handled, after Slack had its
 * answer that the command was written down (the Slack inbox). Slack never sends a command again,
 * so the command must not be dropped: it is handed back to the inbox and run once the database
 * answers, once, and the person is told so once.
 *
 * The fault is made exactly where it matters, with real PostgreSQL: a session of the test's own
 * holds a lock on `incidents`, so the handler's first read waits; the test then ends the app's
 * waiting session (pg_terminate_backend, as a failover or restart does) and lets the lock go.
 * PostgreSQL only: SQLite's outage (a busy lock held by another process) cannot be placed between
 * the inbox's write and the handler's first read from outside the process. Prints sent/lost/duplicated.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import pg from 'pg';
import { KEPT_DURING_OUTAGE } from '../../src/slack/listeners/slash-command.listener.js';
import { eventually } from '../support/eventually.js';
import { deliveredTo } from '../support/fake-slack.js';
import { createScratchPostgres, queryAdmin, type ScratchPostgres } from '../support/scratch-postgres.js';
import { formatLedger, SideEffectLedger } from '../support/side-effect-ledger.js';
import { startSlackApp, type SlackHarness } from '../support/slack-app.js';
import { callText, declareWithChannel, type IncidentInChannel } from '../support/slack-scenario.js';

const RITA = 'U0RITA';

describe('Fault: the database stops answering while a slash command is handled', () => {
  let database: ScratchPostgres;
  let slack: SlackHarness;
  let inc: IncidentInChannel;
  let locker: pg.Client;

  before(async () => {
    database = await createScratchPostgres('ir_test_cmd_outage');
    slack = await startSlackApp(database.databaseUrl);
    slack.fake.addUser({ id: RITA, name: 'Rita Reporter' });
    inc = await declareWithChannel(slack, { title: 'Card payments declined', reporter: RITA });
    locker = new pg.Client({ connectionString: database.databaseUrl });
    await locker.connect();
  });
  after(async () => {
    await locker?.end().catch(() => undefined);
    await slack?.close();
    await database?.drop();
  });

  it('the command is kept, run once the database answers, and the person is told once', async (t) => {
    const summary = 'Card payments are declined for about one in five customers';
    const lockerPid = (await locker.query<{ pid: number }>('SELECT pg_backend_pid() AS pid')).rows[0]!.pid;
    await locker.query('BEGIN');
    await locker.query('LOCK TABLE incidents IN ACCESS EXCLUSIVE MODE');
    const answered = inc.slash(RITA, `summary ${summary}`);

    // The handler's read of the incident waits on the lock: that session is the one the "outage" ends.
    const [waiting] = await eventually('the handler to wait on the lock', async () => {
      const rows = await queryAdmin<{ pid: number }>(
        database.adminUrl,
        `SELECT pid FROM pg_stat_activity WHERE datname = $1 AND pid <> $2 AND wait_event_type = 'Lock' AND query ILIKE '%incidents%'`,
        [new URL(database.databaseUrl).pathname.slice(1), lockerPid],
      );
      return rows.length > 0 ? rows : undefined;
    });
    await queryAdmin(database.adminUrl, 'SELECT pg_terminate_backend($1)', [waiting!.pid]);
    const answer = await answered;
    await locker.query('ROLLBACK');

    assert.equal(answer.status, 200);
    assert.doesNotMatch(answer.reply, /not recorded/, 'the command was written down, so it must not be called lost');
    await eventually('the summary to be recorded', async () => ((await inc.current()).summary === summary ? true : undefined), 15_000);
    await slack.app.worker.idle();

    // Each side effect once: the "kept" notice (in the answer when it came in time, else at the
    // response_url), the timeline entry, the confirmation in the channel.
    const ledger = new SideEffectLedger();
    for (const kind of ['kept notice', 'timeline entry', 'channel confirmation']) ledger.expect(kind, 'summary');
    for (const text of [answer.reply, ...slack.fake.responses.map((r) => JSON.stringify(r.body))]) {
      if (text.includes(KEPT_DURING_OUTAGE)) ledger.deliver('kept notice', 'summary');
    }
    for (const entry of await slack.app.timeline.list(inc.id)) {
      if (entry.kind === 'fieldChange' && entry.text.includes(summary)) ledger.deliver('timeline entry', 'summary');
    }
    for (const call of slack.fake.calls) {
      if (deliveredTo('chat.postMessage')(call) && call.params.channel === inc.channelId && callText(call).includes(summary)) ledger.deliver('channel confirmation', 'summary');
    }
    const report = ledger.report();
    t.diagnostic(formatLedger('slash command in an outage', report));
    assert.deepEqual(report.problems, []);
    assert.equal(report.lost + report.duplicated, 0);
    // Removed once handled (the removal shares a commit with the next writes, so a moment later).
    await eventually('the handled command to leave the inbox', async () => ((await slack.app.store.slackInbox.count()) === 0 ? true : undefined));
  });
});
