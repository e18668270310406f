import type { IncomingMessage, ServerResponse } from 'node:http';

/** What the fake vendor servers share: reading a body, answering JSON, waiting for requests to arrive. */

export type Json = Record<string, unknown>;

/** A JSON object (not an array, not null). */
export const isObject = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);

/** The whole request body as UTF-8 text. */
export async function readBody(req: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

/** Answers `body` as JSON with `status`. */
export function send(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  res.writeHead(status, { 'content-type': 'application/json', ...headers });
  res.end(JSON.stringify(body));
}

/**
 * Resolves with the first `count` items matching `match` once that many have arrived, woken by
 * `waiters` (the fake calls each when something arrives), or fails after `timeoutMs` naming `what`.
 */
export async function waitForMatching<T>(
  items: () => readonly T[],
  match: (item: T) => boolean,
  count: number,
  timeoutMs: number,
  waiters: (() => void)[],
  what: string,
): Promise<T[]> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const found = items().filter(match);
    if (found.length >= count) return found.slice(0, count);
    const left = deadline - Date.now();
    if (left <= 0) throw new Error(`${what}: timed out waiting for ${count} (have ${found.length})`);
    await new Promise<void>((resolve) => {
      const timer = setTimeout(resolve, Math.min(left, 200));
      waiters.push(() => {
        clearTimeout(timer);
        resolve();
      });
    });
  }
}
