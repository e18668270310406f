import assert from 'node:assert/strict';
import { after, before } from 'node:test';
import fc from 'fast-check';
import { describeEngines } from '../support/engines.js';
import { anyField, anyJson, commandText, someOf } from './support/arbitraries.js';
import { openDbProbe, snapshotDiff, type DbProbe } from './support/db-probe.js';
import { startFuzzApp, type FuzzApp } from './support/fuzz-app.js';
import { fewerRunsNote, fuzzRunsOn, Outcomes, runFuzz, useMemoryBackedTmpdir } from './support/fuzz-run.js';

/*
 * The REST API (/api/v1) against random bodies and query strings: JSON of any shape, fields of
 * the wrong type, near-valid dates, non-JSON and odd content types, to every write route and the
 * list, timeline and metrics reads. Only 2xx and 4xx come back; a refused request writes nothing;
 * an accepted one leaves whole data. FUZZ_RUNS cases on SQLite, a quarter of them on PostgreSQL.
 */

const dates = fc.oneof(
  fc.date({ min: new Date('1970-01-01T00:00:00Z'), max: new Date('2100-01-01T00:00:00Z'), noInvalidDate: true }).map((d) => d.toISOString()),
  fc.constantFrom(
    '2026-02-30T00:00:00Z', '2026-13-01T00:00:00Z', '2026-11-27T24:00:00Z', '0000-01-01T00:00:00Z', '9999-12-31T23:59:59.999+14:00',
    '2026-11-27T10:00:00+25:00', '2026-11-27T10:00:00.123456789Z', '2026-11-27', '2026-11-27T10:00:00', 'yesterday', '', '2026-11-27T10:00:60Z',
  ),
);
const person = fc.oneof(
  someOf({ id: fc.string({ maxLength: 40 }), slackUserId: fc.constantFrom('U0ALICE', 'W0GRID', '', 'x'.repeat(65)), email: fc.constantFrom('a@example.org', 'not-an-email', 'é@é.é'), name: commandText }),
  fc.constant(null),
);
const roles = fc.oneof(fc.dictionary(fc.constantFrom('lead', 'scribe', 'commsLead', 'reporter', 'SME', '', '__proto__', 'x'.repeat(61)), person, { maxKeys: 3 }), anyField);
const severity = fc.constantFrom('critical', 'Major', 'trivial', 'minor', '', null, 'x'.repeat(61));
const incidentFields = {
  title: commandText,
  summary: fc.oneof(commandText, fc.constant(null)),
  impact: fc.oneof(commandText, fc.constant(null)),
  severity,
  reportOnly: fc.boolean(),
  occurredAt: dates,
  private: fc.boolean(),
  drill: fc.boolean(),
  roles,
  reporter: person,
  status: fc.constantFrom('open', 'closed', 'Closed', 'resolved'),
  closeReason: fc.constantFrom('resolved', 'blocked', 'fixed'),
  blockedUntil: fc.oneof(dates, fc.constant(null)),
};
const entryFields = { text: commandText, kind: fc.constantFrom('note', 'action', 'decision', 'update', 'system', 'page', ''), occurredAt: dates, link: fc.constantFrom('https://example.org/x', 'javascript:alert(1)', 'not a url', '', null, 'http://[::1', 'https://' + 'a'.repeat(2100)) };
const actionFields = { text: commandText, owner: person, done: fc.boolean() };

// Bodies the schemas accept, so that half the cases get past validation into the services.
const validText = (max: number) => commandText.filter((text) => text.length <= max);
const pastDate = fc.date({ min: new Date('2020-01-01T00:00:00Z'), max: new Date('2023-12-31T00:00:00Z'), noInvalidDate: true }).map((d) => d.toISOString());
const validPerson = fc.oneof(fc.record({ slackUserId: fc.constantFrom('U0ALICE', 'U0BOB', 'W0GRID') }), fc.record({ email: fc.constantFrom('ann@example.org', 'bo@example.org'), name: validText(200).filter((n) => n.trim() !== '') }));
const validRoles = fc.dictionary(fc.constantFrom('lead', 'scribe', 'commsLead', 'SME', 'Subject matter expert'), fc.oneof(validPerson, fc.constant(null)), { maxKeys: 2 });
const validSeverity = fc.constantFrom('critical', 'major', 'trivial', 'Major', null);
const validDeclare = fc.record(
  { title: validText(1000), summary: fc.option(validText(20_000)), impact: fc.option(validText(20_000)), severity: validSeverity, reportOnly: fc.boolean(), occurredAt: pastDate, private: fc.boolean(), drill: fc.boolean(), roles: validRoles, reporter: validPerson },
  { requiredKeys: ['title'] },
);
const validUpdate = fc.record(
  { title: validText(1000), summary: fc.option(validText(20_000)), impact: fc.option(validText(20_000)), severity: validSeverity, private: fc.boolean(), reportOnly: fc.constant(false), roles: validRoles, status: fc.constantFrom('open', 'closed'), closeReason: fc.constantFrom('resolved', 'blocked'), blockedUntil: fc.option(pastDate) },
  { requiredKeys: [] },
);
const validEntry = fc.record({ text: validText(20_000), occurredAt: pastDate, link: fc.constantFrom('https://example.org/runbook', null) }, { requiredKeys: ['text'] });
const validAction = fc.record({ text: validText(20_000), owner: fc.option(validPerson), done: fc.boolean() }, { requiredKeys: ['text'] });

/** A body as sent: a valid one, JSON text of a body-shaped object or anything, or something that is not JSON. */
const body = (fields: Record<string, fc.Arbitrary<unknown>>, valid: fc.Arbitrary<unknown>) =>
  fc.oneof(
    { weight: 8, arbitrary: valid.map((value) => JSON.stringify(value)) },
    { weight: 8, arbitrary: someOf(fields).map((value) => JSON.stringify(value)) },
    { weight: 2, arbitrary: anyJson.map((value) => JSON.stringify(value)) },
    { weight: 1, arbitrary: fc.constantFrom('', '{', '{"title":', 'null', '[]', '"x"', '{"title":"a"}{"title":"b"}', '{"__proto__":{"admin":true},"title":"x"}', '\u0000', 'title=x') },
    { weight: 1, arbitrary: fc.string({ unit: 'binary', maxLength: 100 }) },
  );
const contentType = fc.oneof(
  { weight: 12, arbitrary: fc.constant('application/json') },
  { weight: 1, arbitrary: fc.constantFrom(undefined, 'text/plain', 'application/x-www-form-urlencoded', 'application/json; charset=utf-16', 'application/json; charset=latin1', 'application/merge-patch+json', 'multipart/form-data; boundary=x', 'application/jsonx', '') },
);
const query = (keys: readonly string[]) =>
  fc.oneof(
    { weight: 6, arbitrary: fc.array(fc.tuple(fc.constantFrom(...keys, 'x', ''), fc.oneof(fc.constantFrom('true', 'false', 'open', 'closed', '0', '1', '200', '201', '-1', '1e3', '9999999999999999', 'critical,major', ',', ''), dates, commandText)), { maxLength: 4 }).map((pairs) => new URLSearchParams(pairs).toString()) },
    { weight: 1, arbitrary: fc.constantFrom('%', '%zz', 'limit=1&limit=2', 'cursor[]=1', '&&==', 'q=%00', 'from[a]=1', 'q=' + 'x'.repeat(300)) },
  );

interface Target {
  readonly incident: string;
  readonly reference: string;
  readonly entry: string;
  readonly action: string;
}

const incidentRef = (t: Target) => fc.oneof({ weight: 6, arbitrary: fc.constantFrom(t.incident, t.reference, t.reference.toLowerCase()) }, { weight: 1, arbitrary: fc.constantFrom('INC-999999', 'INC-0', 'INC--1', '%2e%2e', 'x'.repeat(101), '%00', 'INC-99999999999999999999') });

function request(t: Target) {
  const ref = incidentRef(t);
  return fc.oneof(
    fc.record({ method: fc.constant('POST'), url: fc.constant('/api/v1/incidents'), payload: body(incidentFields, validDeclare) }),
    fc.record({ method: fc.constant('PATCH'), url: ref.map((id) => `/api/v1/incidents/${id}`), payload: body(incidentFields, validUpdate) }),
    fc.record({ method: fc.constant('POST'), url: ref.map((id) => `/api/v1/incidents/${id}/timeline`), payload: body(entryFields, validEntry) }),
    fc.record({ method: fc.constant('PATCH'), url: fc.tuple(ref, fc.constantFrom(t.entry, 'nope')).map(([id, e]) => `/api/v1/incidents/${id}/timeline/${e}`), payload: body(entryFields, validEntry) }),
    fc.record({ method: fc.constant('POST'), url: ref.map((id) => `/api/v1/incidents/${id}/actions`), payload: body(actionFields, validAction) }),
    fc.record({ method: fc.constant('PATCH'), url: fc.tuple(ref, fc.constantFrom(t.action, 'nope')).map(([id, a]) => `/api/v1/incidents/${id}/actions/${a}`), payload: body(actionFields, validAction) }),
    fc.record({ method: fc.constant('GET'), url: query(['status', 'severity', 'reportOnly', 'private', 'q', 'startedFrom', 'startedTo', 'limit', 'cursor']).map((q) => `/api/v1/incidents?${q}`), payload: fc.constant(undefined) }),
    fc.record({ method: fc.constant('GET'), url: query(['from', 'to']).map((q) => `/api/v1/metrics?${q}`), payload: fc.constant(undefined) }),
    fc.record({ method: fc.constant('GET'), url: fc.tuple(ref, query(['includeRemoved'])).map(([id, q]) => `/api/v1/incidents/${id}/timeline?${q}`), payload: fc.constant(undefined) }),
  );
}

useMemoryBackedTmpdir();

describeEngines('fuzz: REST API bodies and query strings', (ctx) => {
  let fuzz: FuzzApp;
  let probe: DbProbe;
  let secret: string;
  let target: Target;

  before(async () => {
    fuzz = await startFuzzApp(ctx.databaseUrl, { clock: ctx.clock, slack: false });
    probe = openDbProbe(ctx.databaseUrl);
    ({ secret } = await fuzz.app.tokens.create('fuzz'));
    const headers = { authorization: `Bearer ${secret}`, 'content-type': 'application/json' };
    const declared = (await fuzz.app.server.inject({ method: 'POST', url: '/api/v1/incidents', headers, payload: { title: 'Fuzz target' } })).json<{ id: string; reference: string }>();
    const entry = (await fuzz.app.server.inject({ method: 'POST', url: `/api/v1/incidents/${declared.id}/timeline`, headers, payload: { text: 'first' } })).json<{ id: string }>();
    const action = (await fuzz.app.server.inject({ method: 'POST', url: `/api/v1/incidents/${declared.id}/actions`, headers, payload: { text: 'first' } })).json<{ id: string }>();
    target = { incident: declared.id, reference: declared.reference, entry: entry.id, action: action.id };
  });
  after(async () => {
    await probe.close();
    await fuzz.close();
  });

  ctx.test('random bodies and query strings get 2xx or a precise 4xx, and a refusal writes nothing', async () => {
    const outcomes = new Outcomes();
    const auth = fc.oneof({ weight: 20, arbitrary: fc.constant<string | undefined>(`Bearer ${secret}`) }, { weight: 1, arbitrary: fc.constantFrom(undefined, 'Bearer nope', `bearer ${secret}`, `Basic ${secret}`, `Bearer ${secret}x`, '') });
    // Nothing else writes (no worker runs), so one case's after is the next one's before.
    let last = await probe.snapshot();
    const property = fc.asyncProperty(request(target), contentType, auth, async (req, type, authorization) => {
      const headers: Record<string, string> = {};
      if (authorization !== undefined) headers.authorization = authorization;
      if (req.payload !== undefined && type !== undefined) headers['content-type'] = type;
      const mark = fuzz.errors.lines.length;
      const before = last;
      const response = await fuzz.app.server.inject({ method: req.method as 'GET', url: req.url, headers, ...(req.payload === undefined ? {} : { payload: req.payload }) });
      outcomes.add(response.statusCode);
      const after = await probe.snapshot();
      last = after;
      const context = `${req.method} ${req.url} → ${response.statusCode} ${response.body.slice(0, 300)}`;
      assert.ok(response.statusCode >= 200 && response.statusCode < 500, context);
      assert.deepEqual(fuzz.errors.since(mark), [], `${context}: the app logged errors`);
      if (response.statusCode >= 400) {
        assert.equal(snapshotDiff(before, after), '', `${context}: a refused request wrote`);
        assert.match(String(response.headers['content-type'] ?? ''), /application\/json/, context);
        assert.equal(typeof response.json<{ error: { code: string } }>().error.code, 'string', context);
      } else if (snapshotDiff(before, after) !== '') {
        assert.deepEqual(await probe.violations(), [], `${context}: the change is not whole`);
      }
    });
    await runFuzz(property, { surface: 'api-bodies', engine: ctx.engine, outcomes, shrink: false, runs: fuzzRunsOn(ctx.engine), note: fewerRunsNote(ctx.engine) });
    assert.ok(outcomes.count(200) + outcomes.count(201) > 0 && outcomes.count(400) > 0, 'cases reached both the services and the validation');
    assert.deepEqual(await probe.violations('all'), [], 'the data is whole at the end of the run');
    assert.ok(await fuzz.healthy(), '/healthz still answers');
  });
});
