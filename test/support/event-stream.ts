import assert from 'node:assert/strict';

/**
 * Signs in through the development sign-in and returns the Cookie header. WebClient reads every
 * response to the end, which an event stream never has, so streams are opened with fetch.
 */
export async function signInCookie(baseUrl: string, name: string): Promise<string> {
  const cookies = new Map<string, string>();
  const keep = (response: Response) => {
    for (const line of response.headers.getSetCookie()) {
      const [pair = ''] = line.split(';');
      const index = pair.indexOf('=');
      cookies.set(pair.slice(0, index), pair.slice(index + 1));
    }
  };
  const header = () => [...cookies].map(([k, v]) => `${k}=${v}`).join('; ');
  const form = await fetch(`${baseUrl}/sign-in`);
  keep(form);
  const csrf = /name="_csrf" value="([^"]+)"/.exec(await form.text())?.[1];
  assert.ok(csrf, 'the sign-in page has a CSRF token');
  const signedIn = await fetch(`${baseUrl}/sign-in`, {
    method: 'POST',
    headers: { cookie: header(), 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ _csrf: csrf, name, next: '/incidents' }).toString(),
    redirect: 'manual',
  });
  assert.equal(signedIn.status, 303);
  keep(signedIn);
  return header();
}

/** A Server-Sent Events stream of the site (`/incidents/events`...), read as it arrives. */
export class EventStream {
  readonly #controller = new AbortController();
  readonly #decoder = new TextDecoder();
  #reader: ReadableStreamDefaultReader<Uint8Array> | undefined;
  #buffer = '';

  async open(url: string, cookie: string): Promise<Response> {
    const response = await fetch(url, { headers: { cookie, accept: 'text/event-stream' }, signal: this.#controller.signal });
    assert.equal(response.status, 200);
    assert.match(response.headers.get('content-type') ?? '', /^text\/event-stream/);
    assert.ok(response.body);
    this.#reader = response.body.getReader();
    return response;
  }

  /** The data of the next `changed` event (comments and other events skipped). */
  async nextChanged(): Promise<unknown> {
    assert.ok(this.#reader, 'open the stream first');
    for (;;) {
      const end = this.#buffer.indexOf('\n\n');
      if (end >= 0) {
        const block = this.#buffer.slice(0, end);
        this.#buffer = this.#buffer.slice(end + 2);
        const lines = block.split('\n');
        if (lines.includes('event: changed')) {
          const data = lines.find((line) => line.startsWith('data: '));
          assert.ok(data, `a changed event has data: ${block}`);
          return JSON.parse(data.slice('data: '.length));
        }
        continue;
      }
      const { value, done } = await this.#reader.read();
      assert.ok(!done, 'the stream ended before a changed event');
      this.#buffer += this.#decoder.decode(value, { stream: true });
    }
  }

  close(): void {
    this.#controller.abort();
  }
}
