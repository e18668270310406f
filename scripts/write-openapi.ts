// Regenerates docs/openapi.json from the route schemas: `npm run openapi`.
import fs from 'node:fs/promises';
import { OPENAPI_PATH, renderOpenApiDocument } from '../src/http/openapi-document.js';

await fs.writeFile(OPENAPI_PATH, await renderOpenApiDocument());
process.stdout.write(`wrote ${OPENAPI_PATH}\n`);
