import { inject } from 'vitest';
import { userInput } from '../../factories/user.factory.js';
import { ApiClient } from '../../support/api-client.js';
import { query } from '../../support/databases.js';
import { useTestApp } from '../../support/test-app.js';

/**
 * Sign-up runs create_account (SECURITY DEFINER) in its own transaction: sign-ups racing for
 * one email or one handle must leave one account and answer the rest 409, never 500.
 */
describe('concurrent sign-ups for one email or one handle', () => {
  const testApp = useTestApp();

  async function race(inputs: Array<Record<string, string>>) {
    const clients = await Promise.all(
      inputs.map(async () => {
        const client = new ApiClient(testApp.server);
        await client.refreshToken();
        return client;
      }),
    );
    const answers = await Promise.all(clients.map((client, i) => client.post('/v1/auth/signup', inputs[i])));
    return answers.map((res) => res.status).sort();
  }

  it('one email, several handles (in any case): one 201, the rest 409', async () => {
    const base = userInput();
    const inputs = [0, 1, 2, 3].map((i) => ({
      ...userInput(),
      email: i % 2 ? base.email.toUpperCase() : base.email,
    }));
    expect(await race(inputs)).toEqual([201, 409, 409, 409]);
    const rows = await query(inject('databaseUrl'), 'SELECT id FROM users WHERE email = $1', [base.email]);
    expect(rows).toHaveLength(1);
  });

  it('one handle, several emails: one 201, the rest 409', async () => {
    const base = userInput();
    const inputs = [0, 1, 2, 3].map(() => ({ ...userInput(), handle: base.handle }));
    expect(await race(inputs)).toEqual([201, 409, 409, 409]);
    const rows = await query(inject('databaseUrl'), 'SELECT id FROM users WHERE handle = $1', [base.handle]);
    expect(rows).toHaveLength(1);
  });
});
