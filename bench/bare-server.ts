// A bare fastify route on the same machine, as the yardstick for the Slack ack figures.
import Fastify from 'fastify';

const app = Fastify({ logger: false });
app.addContentTypeParser('*', { parseAs: 'string' }, (_req, body, done) => done(null, body));
app.post('/slack/events', async () => '');
await app.listen({ port: 0, host: '127.0.0.1' });
const address = app.server.address();
process.stdout.write(`Server listening at http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}\n`);
