// The container's HEALTHCHECK (the slim image has no curl): exits 0 when /healthz answers 200
// within 4 s, 1 otherwise (503: database down or job queue stuck; refused; timed out).
// Plain JavaScript so it starts in tens of milliseconds, without tsx. Usage: node scripts/healthcheck.mjs [url]
/* global fetch, AbortSignal -- Node 20's globals */
import process from 'node:process';

const url = process.argv[2] ?? `http://127.0.0.1:${process.env.PORT || '3000'}/healthz`;

try {
  const response = await fetch(url, { signal: AbortSignal.timeout(4000) });
  if (response.status === 200) process.exit(0);
  process.stderr.write(`healthcheck: ${url} answered ${response.status}: ${(await response.text()).slice(0, 500)}\n`);
} catch (error) {
  process.stderr.write(`healthcheck: ${url} did not answer: ${error instanceof Error ? error.message : String(error)}\n`);
}
process.exit(1);
