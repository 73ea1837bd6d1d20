import pg from 'pg';
import { inject } from 'vitest';
import { signUp } from '../../factories/user.factory.js';
import { ApiClient } from '../../support/api-client.js';
import { useTestApp } from '../../support/test-app.js';

/** The sid inside a `byline.sid=s%3A<sid>.<signature>` cookie. */
const sidOf = (cookie: string) => /^byline\.sid=s%3A([^.]+)\./.exec(cookie)![1];

// Every write to the session table, recorded by a trigger (whatever role writes: the
// store's functions run as their own owner), so a test can count one session's writes.
describe('writes to the session table', () => {
  const testApp = useTestApp();
  const owner = new pg.Client({ connectionString: inject('databaseUrl') });
  const log = `session_writes_${process.pid}`;

  beforeAll(async () => {
    await owner.connect();
    await owner.query(`
      CREATE TABLE ${log} (sid text, op text);
      CREATE FUNCTION ${log}_record() RETURNS trigger LANGUAGE plpgsql SECURITY DEFINER AS $$
      BEGIN INSERT INTO ${log} VALUES (COALESCE(NEW.sid, OLD.sid), TG_OP); RETURN NULL; END $$;
      CREATE TRIGGER ${log} AFTER INSERT OR UPDATE OR DELETE ON "session"
        FOR EACH ROW EXECUTE FUNCTION ${log}_record();`);
  });
  afterAll(async () => {
    await owner.query(`DROP TRIGGER ${log} ON "session"; DROP FUNCTION ${log}_record(); DROP TABLE ${log}`);
    await owner.end();
  });

  const writesOf = async (sid: string) =>
    (await owner.query<{ op: string }>(`SELECT op FROM ${log} WHERE sid = $1`, [sid])).rows.map((row) => row.op);

  it('a sign-in writes its new session once, and reads within the touch window write nothing', async () => {
    const { input } = await signUp(testApp.server);
    const client = new ApiClient(testApp.server);
    await client.refreshToken();
    const anonymous = sidOf(client.cookie);
    await client.post('/v1/auth/login', { email: input.email, password: input.password }).expect(200);
    const signedIn = sidOf(client.cookie);
    expect(signedIn).not.toBe(anonymous);
    // The anonymous session ends (fixation), the new one is inserted with its stamp: once.
    expect(await writesOf(anonymous)).toEqual(['INSERT', 'DELETE']);
    expect(await writesOf(signedIn)).toEqual(['INSERT']);
    const { rows: [stored] } = await owner.query<{ sess: { handle?: string; createdAt?: number; passport?: { user?: string } } }>(
      'SELECT sess FROM "session" WHERE sid = $1',
      [signedIn],
    );
    expect(stored.sess).toMatchObject({ handle: expect.any(String), createdAt: expect.any(Number), passport: { user: expect.any(String) } });

    for (let i = 0; i < 5; i++) await client.get('/v1/auth/me').expect(200);
    await client.get('/v1/posts').expect(200);
    expect(await writesOf(signedIn)).toEqual(['INSERT']);
  });
});
