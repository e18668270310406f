// `npm start`: runs the app from dist/, compiling src/ first when dist/ is missing or older than
// any source (scripts/build.mjs), so an edit to src/ is always what runs. Without changes the check
// costs a few milliseconds; with changes the build about a second.
/* global process -- Node's global */
import { pathToFileURL } from 'node:url';
import { build, entryFile, staleReason } from './build.mjs';

const reason = staleReason();
if (reason) {
  const started = Date.now();
  await build();
  process.stderr.write(`built dist/ in ${Date.now() - started} ms (${reason})\n`);
}
await import(pathToFileURL(entryFile).href);
