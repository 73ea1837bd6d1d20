// A small HTTP client for the audit: plain fetch, its own cookie and CSRF token, so the
// audit runs with production dependencies only.

export interface AuditResponse {
  status: number;
  headers: Headers;
  body: unknown;
  text: string;
}

export class AuditClient {
  private cookie = '';
  private token = '';

  constructor(
    private readonly baseUrl: string,
    readonly name: string,
  ) {}

  async start(): Promise<this> {
    await this.refreshToken();
    return this;
  }

  async refreshToken(): Promise<void> {
    const res = await this.send('GET', '/v1/auth/csrf');
    this.token = (res.body as { token: string }).token;
  }

  async send(method: string, path: string, body?: unknown): Promise<AuditResponse> {
    const headers: Record<string, string> = {};
    if (this.cookie) headers.cookie = this.cookie;
    if (method !== 'GET') headers['x-csrf-token'] = this.token;
    if (body !== undefined) headers['content-type'] = 'application/json';
    const res = await fetch(`${this.baseUrl}${path}`, {
      method,
      headers,
      body: body === undefined ? undefined : JSON.stringify(body),
      redirect: 'manual',
    });
    const setCookie = res.headers.getSetCookie().find((line) => /^(__Host-)?byline\.sid=/.test(line));
    if (setCookie) this.cookie = setCookie.split(';')[0];
    const text = await res.text();
    let parsed: unknown = text;
    try {
      parsed = text ? JSON.parse(text) : undefined;
    } catch {
      // not JSON (the OpenAPI UI, for one): keep the text
    }
    return { status: res.status, headers: res.headers, body: parsed, text };
  }

  /** Sends and requires a 2xx, for seeding. */
  async must(method: string, path: string, body?: unknown): Promise<any> {
    const res = await this.send(method, path, body);
    if (res.status >= 300) throw new Error(`${this.name}: ${method} ${path} answered ${res.status}: ${res.text}`);
    return res.body;
  }
}
