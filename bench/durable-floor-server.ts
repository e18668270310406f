// The durable-ack floor: the least any app that writes a Slack request down before answering must
// do, as a second yardstick beside the bare route. It checks the signature (the app's own check,
// one HMAC and timingSafeEqual), parses the body, and writes it in one commit per event-loop turn shared by
// every request that arrived meanwhile (group commit), fsynced as the app's commits are (SQLite:
// WAL with synchronous=FULL; PostgreSQL: its default synchronous_commit), then answers empty.
// No app, no Bolt, no Kysely, no log lines. bench/slack.ts runs it against the same loads as the
// app; `DATABASE_URL` names a scratch database (sqlite:<file> or postgres://…).
import { randomUUID } from 'node:crypto';
import Database from 'better-sqlite3';
import Fastify from 'fastify';
import pg from 'pg';
import { slackSignatureMatches } from '../src/slack/signature.js';

const SECRET = process.env.SLACK_SIGNING_SECRET ?? '';
const url = process.env.DATABASE_URL ?? '';
const CREATE = 'CREATE TABLE IF NOT EXISTS floor_inbox (id text PRIMARY KEY, body text NOT NULL, received_at text NOT NULL)';

interface Item {
  readonly id: string;
  readonly body: string;
  readonly at: string;
}

/** Writes one batch in one commit that is on disk when it resolves. */
type WriteBatch = (items: readonly Item[]) => Promise<void>;

async function openStore(): Promise<WriteBatch> {
  if (url.startsWith('sqlite:')) {
    const db = new Database(url.slice('sqlite:'.length));
    db.pragma('journal_mode = WAL');
    db.pragma('synchronous = FULL');
    db.exec(CREATE);
    const insert = db.prepare('INSERT INTO floor_inbox (id, body, received_at) VALUES (?, ?, ?)');
    const writeAll = db.transaction((items: readonly Item[]) => {
      for (const item of items) insert.run(item.id, item.body, item.at);
    });
    return async (items) => writeAll(items);
  }
  const pool = new pg.Pool({ connectionString: url, max: 10 });
  await pool.query(CREATE);
  return async (items) => {
    const values = items.map((_, i) => `($${3 * i + 1}, $${3 * i + 2}, $${3 * i + 3})`).join(', ');
    await pool.query(`INSERT INTO floor_inbox (id, body, received_at) VALUES ${values}`, items.flatMap((item) => [item.id, item.body, item.at]));
  };
}

const write = await openStore();
let unwritten: { item: Item; done: () => void }[] = [];
let flushing = false;

/** One commit at a time: what arrives during a commit goes into the next one. */
async function flush(): Promise<void> {
  if (flushing || unwritten.length === 0) return;
  flushing = true;
  const batch = unwritten;
  unwritten = [];
  try {
    await write(batch.map((entry) => entry.item));
    for (const entry of batch) entry.done();
  } finally {
    flushing = false;
    if (unwritten.length > 0) setImmediate(() => void flush());
  }
}

const app = Fastify({ logger: false });
// Raw text for every type (JSON too): the signature covers the exact bytes.
app.removeAllContentTypeParsers();
app.addContentTypeParser('*', { parseAs: 'string' }, (_req, body, done) => done(null, body));
app.post('/slack/events', async (request, reply) => {
  const raw = typeof request.body === 'string' ? request.body : '';
  const signature = request.headers['x-slack-signature'];
  const timestamp = Number(request.headers['x-slack-request-timestamp']);
  if (typeof signature !== 'string' || !slackSignatureMatches(SECRET, timestamp, raw, signature)) return reply.code(401).send('');
  const body: unknown = String(request.headers['content-type']).includes('json') ? JSON.parse(raw) : Object.fromEntries(new URLSearchParams(raw));
  await new Promise<void>((done) => {
    unwritten.push({ item: { id: randomUUID(), body: JSON.stringify(body), at: new Date().toISOString() }, done });
    if (unwritten.length === 1) setImmediate(() => void flush());
  });
  return '';
});
await app.listen({ port: 0, host: '127.0.0.1' });
const address = app.server.address();
process.stdout.write(`Server listening at http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}\n`);
