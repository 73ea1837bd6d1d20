import http from 'node:http';

/** One request of a load run, as the client saw it. */
export interface Outcome {
  path: string;
  startedAt: number;
  /** When its connection was open (a reused keep-alive one: at once); unset if never. */
  connectedAt?: number;
  finishedAt: number;
  status?: number;
  contentType?: string;
  retryAfter?: string;
  connection?: string;
  body?: string;
  /** A network error (refused, reset) instead of a response. */
  error?: string;
}

export interface LoadRequest {
  method?: 'GET' | 'POST';
  path: string;
  headers?: Record<string, string>;
  body?: string;
}

/** One request on `agent`; never rejects: a network failure is an outcome too. */
export function send(baseUrl: string, request: LoadRequest, agent: http.Agent, timeoutMs = 30_000): Promise<Outcome> {
  const startedAt = Date.now();
  let connectedAt: number | undefined;
  return new Promise((resolve) => {
    const req = http.request(
      new URL(request.path, baseUrl),
      {
        method: request.method ?? 'GET',
        agent,
        headers: { ...request.headers, ...(request.body ? { 'content-type': 'application/json' } : {}) },
        timeout: timeoutMs,
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (chunk: Buffer) => chunks.push(chunk));
        res.on('error', (error) =>
          resolve({ path: request.path, startedAt, connectedAt, finishedAt: Date.now(), error: error.message }),
        );
        res.on('end', () =>
          resolve({
            path: request.path,
            startedAt,
            connectedAt,
            finishedAt: Date.now(),
            status: res.statusCode,
            contentType: res.headers['content-type'],
            retryAfter: res.headers['retry-after'],
            connection: res.headers.connection,
            body: Buffer.concat(chunks).toString('utf8').slice(0, 2000),
          }),
        );
      },
    );
    req.on('socket', (socket) => {
      if (!socket.connecting) connectedAt = Date.now();
      else socket.once('connect', () => (connectedAt = Date.now()));
    });
    req.on('timeout', () => req.destroy(new Error('client timeout')));
    req.on('error', (error: NodeJS.ErrnoException) =>
      resolve({ path: request.path, startedAt, connectedAt, finishedAt: Date.now(), error: error.code ?? error.message }),
    );
    req.end(request.body);
  });
}

/**
 * Bounded load: `workers` loops, each sending the next request of `requests` (round robin)
 * on keep-alive connections, one at a time, until stop() is called. Returns every outcome.
 */
export function startLoad(baseUrl: string, requests: Array<() => LoadRequest>, workers = 6) {
  const agent = new http.Agent({ keepAlive: true, maxSockets: workers });
  const outcomes: Outcome[] = [];
  let running = true;
  const loops = Array.from({ length: workers }, async (_, worker) => {
    for (let i = worker; running; i++) {
      const outcome = await send(baseUrl, requests[i % requests.length](), agent);
      outcomes.push(outcome);
      // A refused connection comes back at once; do not spin on it.
      if (outcome.error) await new Promise((resolve) => setTimeout(resolve, 20));
    }
  });
  return {
    outcomes,
    async stop(): Promise<Outcome[]> {
      running = false;
      await Promise.all(loops);
      agent.destroy();
      return outcomes;
    },
  };
}

/** Whether a refusal is what the contract promises: 503 problem+json with Retry-After. */
export function isProperRefusal(outcome: Outcome): boolean {
  return (
    outcome.status === 503 &&
    (outcome.contentType ?? '').startsWith('application/problem+json') &&
    /^\d+$/.test(outcome.retryAfter ?? '')
  );
}

export const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));
