/** A browser without JavaScript: keeps cookies, reads CSRF tokens from pages, posts forms. */
export class WebClient {
  readonly #cookies = new Map<string, string>();
  constructor(readonly baseUrl: string) {}

  #store(response: Response): void {
    for (const line of response.headers.getSetCookie()) {
      const [pair] = line.split(';');
      const index = pair!.indexOf('=');
      const name = pair!.slice(0, index);
      const value = pair!.slice(index + 1);
      if (value === '' || /max-age=0|expires=thu, 01 jan 1970/i.test(line)) this.#cookies.delete(name);
      else this.#cookies.set(name, value);
    }
  }

  get #cookieHeader(): string {
    return this.cookieHeader();
  }

  /** The cookies as a request header, for requests this client cannot make (a stream). */
  cookieHeader(): string {
    return [...this.#cookies].map(([k, v]) => `${k}=${v}`).join('; ');
  }

  async get(path: string): Promise<{ status: number; location: string | null; html: string }> {
    const response = await fetch(this.baseUrl + path, { headers: { cookie: this.#cookieHeader }, redirect: 'manual' });
    this.#store(response);
    return { status: response.status, location: response.headers.get('location'), html: await response.text() };
  }

  /** The CSRF token of the first form on `path`. */
  async csrf(path: string): Promise<string> {
    const { html } = await this.get(path);
    const token = /name="_csrf" value="([^"]+)"/.exec(html)?.[1];
    if (!token) throw new Error(`no CSRF token on ${path}`);
    return token;
  }

  async post(path: string, fields: Record<string, string>): Promise<{ status: number; location: string | null; html: string }> {
    const response = await fetch(this.baseUrl + path, {
      method: 'POST',
      headers: { cookie: this.#cookieHeader, 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams(fields).toString(),
      redirect: 'manual',
    });
    this.#store(response);
    return { status: response.status, location: response.headers.get('location'), html: await response.text() };
  }

  async signIn(name: string): Promise<void> {
    const csrf = await this.csrf('/sign-in');
    const result = await this.post('/sign-in', { _csrf: csrf, name, next: '/incidents' });
    if (result.status !== 303) throw new Error(`sign-in answered ${result.status}`);
  }
}
