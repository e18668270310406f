import type { FastifyInstance } from 'fastify';

const page = (slackOn: boolean) => `<!doctype html>
<html lang="en">
<head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1"><title>incident-response</title></head>
<body style="font-family: sans-serif; max-width: 40rem; margin: 2rem auto; line-height: 1.5">
<h1>incident-response is running</h1>
<p>The incident response site (the living document of each incident) is being built. Until it arrives:</p>
<ul>
<li>REST API: <a href="/api/v1/openapi.json">/api/v1/openapi.json</a> (create a token with <code>npm run cli -- token create &lt;name&gt;</code>)</li>
<li>Health: <a href="/healthz">/healthz</a></li>
<li>Slack: ${slackOn ? 'connected — use your slash command to declare an incident' : 'not configured (see "Set up the Slack app" in the README)'}</li>
</ul>
</body>
</html>`;

/** `/`: tells someone who opens the app in a browser what runs here and where to go. */
export function homeRoutes(slackOn: boolean) {
  const html = page(slackOn);
  return async (app: FastifyInstance) => {
    app.get('/', async (_request, reply) => reply.type('text/html; charset=utf-8').header('cache-control', 'no-store').send(html));
  };
}
