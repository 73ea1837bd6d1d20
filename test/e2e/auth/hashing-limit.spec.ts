import { readdirSync, readFileSync } from 'node:fs';
import { signUp } from '../../factories/user.factory.js';
import { ApiClient } from '../../support/api-client.js';
import { useTestApp } from '../../support/test-app.js';

describe('bounded password hashing', () => {
  // One Argon2 run at a time and two waiting: the rest of a burst is refused at once.
  const testApp = useTestApp({ PASSWORD_HASH_CONCURRENCY: '1', PASSWORD_HASH_QUEUE: '2' });

  it('refuses sign-ins past the queue with 503 and Retry-After, and still answers reads', async () => {
    const { input } = await signUp(testApp.server);
    const clients = await Promise.all(
      Array.from({ length: 16 }, async () => {
        const client = new ApiClient(testApp.server);
        await client.refreshToken();
        return client;
      }),
    );
    const burst = clients.map((client, i) =>
      client.post('/v1/auth/login', i === 0 ? { email: input.email, password: input.password } : {
        email: `nobody-${i}@example.com`,
        password: 'not-the-password-at-all',
      }),
    );
    const read = new ApiClient(testApp.server).get('/v1/public/posts');
    const [responses, page] = await Promise.all([Promise.all(burst), read]);

    expect(page.status).toBe(200);
    const statuses = responses.map((r) => r.status);
    // Every attempt got an answer: a verdict (200/401) or a refusal, never a 500.
    expect(statuses.every((s) => [200, 401, 503].includes(s))).toBe(true);
    const refused = responses.filter((r) => r.status === 503);
    // 16 at once against 1 running + 2 queued. Requests arrive spread over the database
    // lookups before the hash, so how many are refused varies; some must be.
    expect(refused.length).toBeGreaterThanOrEqual(1);
    for (const r of refused) {
      expect(r.headers['content-type']).toMatch(/application\/problem\+json/);
      expect(r.headers['retry-after']).toBe('1');
      expect(r.body).toMatchObject({ status: 503, title: 'Service Unavailable' });
    }
    expect(statuses.filter((s) => s !== 503).length).toBeGreaterThanOrEqual(1);

    // The burst over, the owner signs in as usual: a refusal is not a failed attempt.
    const owner = new ApiClient(testApp.server);
    await owner.refreshToken();
    await owner.post('/v1/auth/login', { email: input.email, password: input.password }).expect(200);
  });

  // Linux keeps a nice value per thread: /proc/self/task/<id>/stat, field 19.
  const niceOfThreads = () =>
    readdirSync('/proc/self/task').map((id) => {
      const stat = readFileSync(`/proc/self/task/${id}/stat`, 'utf8');
      return Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[16]);
    });

  it.runIf(process.platform === 'linux')('hashes in threads at the lowest CPU priority, and leaves the request thread as it was', async () => {
    const { input } = await signUp(testApp.server);
    const client = new ApiClient(testApp.server);
    await client.refreshToken();
    await client.post('/v1/auth/login', { email: input.email, password: input.password }).expect(200);
    const after = niceOfThreads();
    // The signup's hash and the login's verification ran in a thread started niced.
    expect(after.filter((nice) => nice === 19).length).toBeGreaterThanOrEqual(1);
    expect(Number(readFileSync('/proc/self/stat', 'utf8').split(') ')[1].split(' ')[16])).toBe(0);
  });
});
