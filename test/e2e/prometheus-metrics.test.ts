import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { Writable } from 'node:stream';
import { after, before, describe, it } from 'node:test';
import { buildApp, type App } from '../../src/app.js';
import { ConfigError, loadConfig } from '../../src/config/config.js';
import { createLogger } from '../../src/logger.js';
import { createMetrics } from '../../src/observability/metrics.js';
import { describeEngines } from '../support/engines.js';
import { COMMAND, startSlackApp, type SlackHarness } from '../support/slack-app.js';
import { actionIds } from '../../src/slack/blocks/ids.js';
import { blockAction, slashCommand } from '../support/slack-requests.js';
import { declareWithChannel, type IncidentInChannel } from '../support/slack-scenario.js';

// About 1.5 s per engine: one Slack harness (declare, a command, a few API calls) and two apps driven by inject().

type LogLine = Record<string, unknown> & { msg?: string; reqId?: string; incident?: string; jobId?: string };

/** A pino destination that keeps every line, parsed. */
function logSink() {
  const lines: LogLine[] = [];
  let partial = '';
  const stream = new Writable({
    write(chunk: Buffer, _encoding, done) {
      partial += chunk.toString('utf8');
      const complete = partial.split('\n');
      partial = complete.pop() ?? '';
      for (const line of complete) if (line.trim()) lines.push(JSON.parse(line) as LogLine);
      done();
    },
  });
  return { lines, logger: createLogger('info', stream) };
}

/** The value of one sample (exact series text, labels in the order prom-client writes them), or undefined. */
function sample(text: string, series: string): number | undefined {
  const line = text.split('\n').find((l) => l.startsWith(`${series} `));
  return line === undefined ? undefined : Number(line.slice(series.length + 1));
}

/** Every sample of a metric whose labels match `labels`. */
function samples(text: string, metric: string, labels: RegExp): number[] {
  return text
    .split('\n')
    .filter((l) => l.startsWith(`${metric}{`) && labels.test(l))
    .map((l) => Number(l.slice(l.lastIndexOf(' ') + 1)));
}

const RITA = 'U0RITA';

describeEngines('observability: /metrics and the log context', (ctx) => {
  let slack: SlackHarness;
  let sink: ReturnType<typeof logSink>;
  let inc: IncidentInChannel;
  let token: string;

  before(async () => {
    sink = logSink();
    slack = await startSlackApp(ctx.databaseUrl, { logger: sink.logger });
    slack.fake.addUser({ id: RITA, name: 'Rita Reporter' });
    inc = await declareWithChannel(slack, { title: 'Checkout is down', reporter: RITA });
    token = (await slack.app.tokens.create('metrics-test')).secret;
  });
  after(() => slack.close());

  const scrape = async () => {
    const response = await fetch(`${slack.baseUrl}/metrics`);
    assert.equal(response.status, 200);
    assert.match(response.headers.get('content-type') ?? '', /^text\/plain; version=0\.0\.4/);
    return response.text();
  };

  ctx.test('a slash command about an incident: its log lines carry the request id and the reference; its jobs too', async () => {
    // The confirmation's first post fails (Slack's internal_error): the job logs its retry.
    slack.fake.failNext('chat.postMessage', 1, { error: 'internal_error' });
    const response = await slack.send(
      slashCommand({ command: COMMAND, text: 'sev major', userId: RITA, channelId: inc.channelId, responseUrl: slack.fake.responseUrl('metrics-sev'), triggerId: 'trigger-metrics-sev' }),
    );
    assert.equal(response.status, 200);
    const reqId = response.headers.get('x-request-id');
    assert.ok(reqId, 'the answer names its request id');
    await slack.app.worker.idle();

    const ofRequest = sink.lines.filter((l) => l.reqId === reqId);
    assert.ok(ofRequest.some((l) => l.msg === 'incoming request'), 'fastify logged the request under its id');
    const completed = ofRequest.find((l) => l.msg === 'request completed');
    assert.equal(completed?.incident, inc.reference, 'the request is logged with the incident it was about');

    // idle() resolves after the failed run has settled, so its line is written by now.
    const retried = sink.lines.find((l) => l.msg === 'job will be retried' && typeof l.jobId === 'string');
    assert.ok(retried, 'the failing job logged its retry');
    assert.equal(retried.incident, inc.reference, 'a job line names the incident its handler read');
    // Each field once: pino would write a duplicate key, which JSON.parse hides, so count in the raw form.
    assert.equal(JSON.stringify(retried).match(/"jobId"/g)?.length, 1);

    const text = await scrape();
    assert.equal(sample(text, 'incident_response_slack_api_calls_total{method="conversations.create",outcome="ok"}'), 1);
    assert.equal(sample(text, 'incident_response_slack_api_calls_total{method="chat.postMessage",outcome="server_error"}'), 1);
    assert.ok((sample(text, 'incident_response_slack_api_calls_total{method="chat.postMessage",outcome="ok"}') ?? 0) >= 1);
    assert.ok((sample(text, 'incident_response_http_request_duration_seconds_count{route="/slack/events",method="POST",status_class="2xx"}') ?? 0) >= 3);
    assert.equal(sample(text, 'incident_response_open_incidents{severity="major"}'), 1);
    assert.ok(samples(text, 'incident_response_job_run_duration_seconds_count', /outcome="retry"/).some((n) => n >= 1), 'the retried run is counted');
    assert.ok(samples(text, 'incident_response_job_run_duration_seconds_count', /outcome="done"/).some((n) => n >= 1), 'done runs are counted');
    assert.ok(samples(text, 'incident_response_jobs', /status="pending"/).some((n) => n >= 1), 'the job waiting for its retry is pending');
    assert.equal(sample(text, 'incident_response_database_up'), 1);
    assert.ok(sample(text, 'incident_response_jobs_oldest_due_age_seconds') !== undefined);
    assert.ok(sample(text, 'incident_response_slack_inbox') !== undefined, 'the inbox backlog is read from the database');
    assert.ok(sample(text, 'process_resident_memory_bytes') !== undefined, 'process metrics are on');
  });

  ctx.test('a button pressed in the incident channel: the request is logged with the incident before any listener names it', async () => {
    const response = await slack.send(
      blockAction({ actionId: actionIds.edit, value: inc.id, userId: RITA, channelId: inc.channelId, triggerId: 'trigger-metrics-edit', responseUrl: slack.fake.responseUrl('metrics-edit') }),
    );
    assert.equal(response.status, 200);
    const reqId = response.headers.get('x-request-id');
    const completed = sink.lines.find((l) => l.reqId === reqId && l.msg === 'request completed');
    assert.equal(completed?.incident, inc.reference);
  });

  ctx.test('X-Request-Id: a well-formed one is used and sent back; another is replaced', async () => {
    const given = `trace-${randomUUID().slice(0, 8)}.1`;
    const ok = await fetch(`${slack.baseUrl}/healthz`, { headers: { 'x-request-id': given } });
    assert.equal(ok.status, 200);
    assert.equal(ok.headers.get('x-request-id'), given);
    const lines = sink.lines.filter((l) => l.reqId === given).map((l) => l.msg);
    assert.ok(lines.includes('incoming request') && lines.includes('request completed'), `both lines carry the id: ${lines.join(', ')}`);

    const bad = await fetch(`${slack.baseUrl}/healthz`, { headers: { 'x-request-id': 'not ok; drop table' } });
    const replaced = bad.headers.get('x-request-id') ?? '';
    assert.notEqual(replaced, 'not ok; drop table');
    assert.match(replaced, /^[0-9a-f-]{36}$/);
  });

  ctx.test('API routes about one incident log its reference, by reference or by id; metrics label the route pattern only', async () => {
    const byReference = await fetch(`${slack.baseUrl}/api/v1/incidents/${inc.reference}`, { headers: { authorization: `Bearer ${token}` } });
    assert.equal(byReference.status, 200);
    const byId = await fetch(`${slack.baseUrl}/api/v1/incidents/${inc.id}`, { headers: { authorization: `Bearer ${token}` } });
    assert.equal(byId.status, 200);
    for (const response of [byReference, byId]) {
      const reqId = response.headers.get('x-request-id');
      const completed = sink.lines.find((l) => l.reqId === reqId && l.msg === 'request completed');
      assert.equal(completed?.incident, inc.reference, `request ${reqId} names the incident`);
    }
    const missing = await fetch(`${slack.baseUrl}/api/v1/nothing/here/${randomUUID()}`);
    assert.equal(missing.status, 404);

    const text = await scrape();
    assert.ok((sample(text, 'incident_response_http_request_duration_seconds_count{route="/api/v1/incidents/:id",method="GET",status_class="2xx"}') ?? 0) >= 2);
    assert.ok((sample(text, 'incident_response_http_request_duration_seconds_count{route="unmatched",method="GET",status_class="4xx"}') ?? 0) >= 1);
    assert.ok(!text.includes(inc.id) && !text.includes(inc.reference), 'no raw URL (id or reference) in any label');
    assert.ok(!text.includes(token) && !text.includes('xoxb-'), 'no secret in the exposition');
  });
});

describeEngines('observability: who may scrape /metrics', (ctx) => {
  const apps: App[] = [];
  const appWith = async (env: Record<string, string>) => {
    const config = loadConfig({ DATABASE_URL: ctx.databaseUrl, LOG_LEVEL: 'silent', NODE_ENV: 'test', ...env }, process.cwd());
    const app = await buildApp(config);
    apps.push(app);
    return app;
  };
  after(async () => {
    for (const app of apps) await app.close().catch(() => undefined);
  });

  ctx.test('with METRICS_TOKEN: the bearer token, from anywhere; without it: loopback clients only', async () => {
    const secured = await appWith({ METRICS_TOKEN: 'scrape-token-0123456789' });
    const from = (remoteAddress: string, authorization?: string) =>
      secured.server.inject({ method: 'GET', url: '/metrics', remoteAddress, headers: authorization ? { authorization } : {} });
    assert.equal((await from('127.0.0.1')).statusCode, 401, 'even loopback needs the token once one is set');
    assert.equal((await from('10.0.0.9', 'Bearer wrong-token-0123456789')).statusCode, 401);
    const ok = await from('10.0.0.9', 'Bearer scrape-token-0123456789');
    assert.equal(ok.statusCode, 200);
    assert.match(ok.body, /^# HELP incident_response_/m);

    const open = await appWith({});
    const remote = await open.server.inject({ method: 'GET', url: '/metrics', remoteAddress: '10.0.0.9', headers: { 'x-forwarded-for': '127.0.0.1' } });
    assert.equal(remote.statusCode, 403, 'a forwarded-for header does not make a remote client local');
    assert.equal((JSON.parse(remote.body) as { error: { code: string } }).error.code, 'metrics.forbidden');
    for (const local of ['127.0.0.1', '::1', '::ffff:127.0.0.1']) {
      assert.equal((await open.server.inject({ method: 'GET', url: '/metrics', remoteAddress: local })).statusCode, 200, local);
    }
  });
});

describe('metrics when the database does not answer', () => {
  it('the scrape still answers, with database_up 0 and no stale or zero gauge values, and they come back with the database', async () => {
    let up = true;
    const errors: unknown[] = [];
    const read = <T>(value: T) => async () => {
      if (!up) throw new Error('connection refused');
      return value;
    };
    const metrics = createMetrics(
      {
        gauges: {
          jobDepth: read([{ type: 'slack.post', status: 'pending' as const, count: 3 }]),
          openIncidents: read([{ severity: null, count: 2 }]),
          slackInboxDepth: read(7),
        },
        jobStats: read({ pending: 3, running: 0, failed: 0, oldestDueAgeMs: 1500 }),
      },
      (error) => errors.push(error),
    );
    const first = await metrics.scrape();
    assert.equal(sample(first, 'incident_response_jobs{type="slack.post",status="pending"}'), 3);
    assert.equal(sample(first, 'incident_response_open_incidents{severity="none"}'), 2);
    assert.equal(sample(first, 'incident_response_jobs_oldest_due_age_seconds'), 1.5);
    assert.equal(sample(first, 'incident_response_slack_inbox'), 7);
    assert.equal(sample(first, 'incident_response_database_up'), 1);

    up = false;
    const second = await metrics.scrape();
    assert.equal(sample(second, 'incident_response_database_up'), 0);
    assert.equal(samples(second, 'incident_response_open_incidents', /./).length, 0);
    assert.equal(samples(second, 'incident_response_jobs', /./).length, 0);
    // Unlabelled gauges too: absent, not a 0 that reads as "nothing waiting".
    assert.equal(sample(second, 'incident_response_jobs_oldest_due_age_seconds'), undefined);
    assert.equal(sample(second, 'incident_response_slack_inbox'), undefined);
    assert.doesNotMatch(second, /^# TYPE incident_response_slack_inbox /m);
    assert.equal(errors.length, 1, 'the failure is reported (logged by the app)');

    up = true;
    const third = await metrics.scrape();
    assert.equal(sample(third, 'incident_response_database_up'), 1);
    assert.equal(sample(third, 'incident_response_jobs_oldest_due_age_seconds'), 1.5);
    assert.equal(sample(third, 'incident_response_slack_inbox'), 7);
  });
});

describe('METRICS_TOKEN configuration', () => {
  it('a short or spaced token is named at start-up', () => {
    for (const bad of ['short', 'has a space in it 0123']) {
      assert.throws(
        () => loadConfig({ METRICS_TOKEN: bad }, process.cwd()),
        (error: unknown) => error instanceof ConfigError && error.problems.some((p) => p.startsWith('METRICS_TOKEN:')),
      );
    }
    assert.equal(loadConfig({ METRICS_TOKEN: 'a-long-enough-token' }, process.cwd()).metricsToken, 'a-long-enough-token');
    assert.equal(loadConfig({}, process.cwd()).metricsToken, null);
  });
});
