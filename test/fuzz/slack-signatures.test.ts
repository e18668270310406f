import assert from 'node:assert/strict';
import { createHmac } from 'node:crypto';
import { after, before } from 'node:test';
import fc from 'fast-check';
import { describeEngines } from '../support/engines.js';
import { signSlackRequest } from '../support/slack-requests.js';
import { commandText } from './support/arbitraries.js';
import { openDbProbe, snapshotDiff, type DbProbe, type Snapshot } from './support/db-probe.js';
import { listenersSettled, SIGNING_SECRET, startFuzzApp, type FuzzApp } from './support/fuzz-app.js';
import { fuzzRuns, Outcomes, runFuzz, useMemoryBackedTmpdir } from './support/fuzz-run.js';

/*
 * Slack's request signature against mutations: the signature or timestamp header missing,
 * truncated, of another version, for another body, secret or time, stale or in the future, or the
 * timestamp written differently from what was signed. Every one is a 401 with nothing written and
 * nothing sent to Slack. The bodies are real requests (a declaration, a mention), so a check that
 * let one through would show as a write.
 */

const FIVE_MINUTES = 300;

interface Mutation {
  readonly name: string;
  readonly headers: (body: string, now: number) => Record<string, string | undefined>;
}

const sign = (body: string, ts: number, secret = SIGNING_SECRET) => signSlackRequest(body, secret, ts);
// Slack signs `v0:<timestamp header>:<body>`: an oddly written timestamp (`+170…`, `170….0`) is
// signed here over the header text itself, exactly as Slack's scheme would sign that text.
const signText = (body: string, tsText: string, secret = SIGNING_SECRET) =>
  `v0=${createHmac('sha256', secret).update(`v0:${tsText}:${body}`).digest('hex')}`;

const mutation: fc.Arbitrary<Mutation> = fc.oneof(
  fc.constant<Mutation>({ name: 'no signature', headers: (_b, now) => ({ 'x-slack-request-timestamp': String(now) }) }),
  fc.constant<Mutation>({ name: 'no timestamp', headers: (b, now) => ({ 'x-slack-signature': sign(b, now) }) }),
  fc.constant<Mutation>({ name: 'neither', headers: () => ({}) }),
  fc.integer({ min: 1, max: 70 }).map<Mutation>((cut) => ({ name: 'truncated signature', headers: (b, now) => ({ 'x-slack-signature': sign(b, now).slice(0, -cut), 'x-slack-request-timestamp': String(now) }) })),
  fc.constantFrom('v1=', 'v0:', 'V0=', '', 'v00=', 'sha256=').map<Mutation>((prefix) => ({
    name: `version ${prefix || 'none'}`,
    headers: (b, now) => ({ 'x-slack-signature': `${prefix}${sign(b, now).slice(3)}`, 'x-slack-request-timestamp': String(now) }),
  })),
  fc.constant<Mutation>({ name: 'upper-case hex', headers: (b, now) => ({ 'x-slack-signature': `v0=${sign(b, now).slice(3).toUpperCase()}`, 'x-slack-request-timestamp': String(now) }) }),
  fc.tuple(fc.integer({ min: 3, max: 66 }), fc.constantFrom('0', 'f', 'x', ' ')).map<Mutation>(([at, c]) => ({
    name: 'one character changed',
    headers: (b, now) => {
      const s = sign(b, now);
      const changed = `${s.slice(0, at)}${s[at] === c ? (c === '0' ? '1' : '0') : c}${s.slice(at + 1)}`;
      return { 'x-slack-signature': changed, 'x-slack-request-timestamp': String(now) };
    },
  })),
  fc.constant<Mutation>({ name: 'another secret', headers: (b, now) => ({ 'x-slack-signature': sign(b, now, 'not-the-secret'), 'x-slack-request-timestamp': String(now) }) }),
  commandText.map<Mutation>((other) => ({ name: 'another body', headers: (b, now) => ({ 'x-slack-signature': sign(`${b}${other || 'x'}`, now), 'x-slack-request-timestamp': String(now) }) })),
  fc.integer({ min: FIVE_MINUTES + 1, max: 10 * 365 * 86_400 }).map<Mutation>((age) => ({
    name: 'stale',
    headers: (b, now) => ({ 'x-slack-signature': sign(b, now - age), 'x-slack-request-timestamp': String(now - age) }),
  })),
  fc.integer({ min: FIVE_MINUTES + 1, max: 10 * 365 * 86_400 }).map<Mutation>((ahead) => ({
    name: 'future',
    headers: (b, now) => ({ 'x-slack-signature': sign(b, now + ahead), 'x-slack-request-timestamp': String(now + ahead) }),
  })),
  fc.integer({ min: -120, max: 120 }).filter((d) => d !== 0).map<Mutation>((d) => ({
    name: 'timestamp not the signed one',
    headers: (b, now) => ({ 'x-slack-signature': sign(b, now), 'x-slack-request-timestamp': String(now + d) }),
  })),
  fc.constantFrom((n: number) => `+${n}`, (n: number) => `${n}.0`, (n: number) => `0${n}`, (n: number) => `${n}e0`, (n: number) => `0x${n.toString(16)}`, (n: number) => `${n}abc`).map<Mutation>((write) => ({
    name: 'timestamp written differently from what was signed',
    headers: (b, now) => ({ 'x-slack-signature': sign(b, now), 'x-slack-request-timestamp': write(now) }),
  })),
  fc.constantFrom((n: number) => `+${n}`, (n: number) => `${n}.0`, (n: number) => `0${n}`, (n: number) => `${n}e0`).map<Mutation>((write) => ({
    name: 'odd timestamp, signed as written',
    headers: (b, now) => ({ 'x-slack-signature': signText(b, write(now)), 'x-slack-request-timestamp': write(now) }),
  })),
  fc.constantFrom('', 'NaN', 'Infinity', '-1', '0', '1e400', 'null', '١٧٠٠٠٠٠٠٠٠').map<Mutation>((ts) => ({
    name: 'timestamp not a time',
    headers: (b) => ({ 'x-slack-signature': signText(b, ts), 'x-slack-request-timestamp': ts }),
  })),
  fc.string({ maxLength: 80 }).map<Mutation>((junk) => ({ name: 'junk signature', headers: (_b, now) => ({ 'x-slack-signature': junk, 'x-slack-request-timestamp': String(now) }) })),
);

// Real requests, each of which would write if it got through.
const body = fc.oneof(
  commandText.map((text) => ({ type: 'application/x-www-form-urlencoded', body: new URLSearchParams({ command: '/incident', text: `declare ${text}`, user_id: 'U0ALICE', channel_id: 'C0INC1', team_id: 'T0TEAM', trigger_id: '1.2.3', response_url: 'https://hooks.slack.invalid/x' }).toString() })),
  commandText.map((text) => ({ type: 'application/json', body: JSON.stringify({ type: 'event_callback', team_id: 'T0TEAM', event_id: `Ev${text.length}`, event: { type: 'app_mention', user: 'U0ALICE', channel: 'C0INC1', text: `<@UBOT> note ${text}`, ts: '1700000000.000100' } }) })),
  fc.constant({ type: 'application/json', body: JSON.stringify({ type: 'url_verification', challenge: 'c' }) }),
);

useMemoryBackedTmpdir();

describeEngines('fuzz: Slack request signatures', (ctx) => {
  let fuzz: FuzzApp;
  let probe: DbProbe;
  let start: Snapshot;

  before(async () => {
    fuzz = await startFuzzApp(ctx.databaseUrl, { clock: ctx.clock, slack: true });
    probe = openDbProbe(ctx.databaseUrl);
    start = await probe.snapshot();
  });
  after(async () => {
    await probe.close();
    await fuzz.close();
  });

  ctx.test('a missing, mutated, stale or future signature is a 401 and writes nothing', async () => {
    const outcomes = new Outcomes();
    const property = fc.asyncProperty(mutation, body, async (m, req) => {
      const now = Math.floor(ctx.clock.now().getTime() / 1000);
      const headers = Object.fromEntries(Object.entries({ 'content-type': req.type, ...m.headers(req.body, now) }).filter((e): e is [string, string] => e[1] !== undefined));
      const response = await fuzz.app.server.inject({ method: 'POST', url: '/slack/events', headers, payload: req.body });
      outcomes.add(response.statusCode);
      assert.equal(response.statusCode, 401, `${m.name}: ${JSON.stringify(headers)} → ${response.statusCode} ${response.body.slice(0, 200)}`);
      assert.equal(response.json<{ error: { code: string } }>().error.code, 'slack.bad_signature');
    });
    // No case reaches the database (one check after the run covers them all), so both engines run every case.
    await runFuzz(property, { surface: 'slack-signatures', engine: ctx.engine, outcomes, runs: fuzzRuns() });
    await listenersSettled();
    // No case may write or call Slack; one check over the whole run covers every case.
    assert.equal(snapshotDiff(start, await probe.snapshot()), '', 'a refused request wrote');
    assert.deepEqual(fuzz.fake?.calls.map((c) => c.method), [], 'a refused request called Slack');
    assert.deepEqual(fuzz.errors.lines, []);
    assert.ok(await fuzz.healthy(), '/healthz still answers');
  });

  ctx.test('the same requests, signed properly, are let through (the refusals above are the signature’s doing)', async () => {
    const now = Math.floor(ctx.clock.now().getTime() / 1000);
    const payload = JSON.stringify({ type: 'url_verification', challenge: 'proof' });
    const response = await fuzz.app.server.inject({
      method: 'POST',
      url: '/slack/events',
      headers: { 'content-type': 'application/json', 'x-slack-signature': sign(payload, now), 'x-slack-request-timestamp': String(now) },
      payload,
    });
    assert.equal(response.statusCode, 200);
    assert.deepEqual(response.json(), { challenge: 'proof' });
  });
});
