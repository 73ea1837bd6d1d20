// own_credentials_unchanged, the sign-in's last check, in the one window an HTTP test cannot
// hold open: a password change (or a disable) has updated the account and ended its
// sessions, but not committed, when the sign-in writes its session. The change's ending did
// not see that session; the check must wait for the change and answer false.
import { randomUUID } from 'node:crypto';
import { inject } from 'vitest';
import { asTenant, connect, query } from '../support/databases.js';

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

async function account() {
  const tag = randomUUID().slice(0, 8);
  const [row] = await query<{ id: string }>(
    inject('databaseUrl'),
    `INSERT INTO users (email, handle, display_name, password_hash) VALUES ($1, $2, 'Cred', 'hash-old') RETURNING id`,
    [`cred-${tag}@example.com`, `cred-${tag}`],
  );
  return row.id;
}

describe('own_credentials_unchanged', () => {
  const appUrl = () => inject('appDatabaseUrl');

  it('is true for the hash the account has, false for another, and false with no tenant', async () => {
    const id = await account();
    const app = await connect(appUrl());
    try {
      const check = (hash: string) =>
        app.query<{ ok: boolean }>('SELECT own_credentials_unchanged($1) AS ok', [hash]).then((r) => r.rows[0].ok);
      expect(await asTenant(app, id, () => check('hash-old'))).toBe(true);
      expect(await asTenant(app, id, () => check('hash-other'))).toBe(false);
      expect(await asTenant(app, null, () => check('hash-old'))).toBe(false);
    } finally {
      await app.end();
    }
  });

  for (const change of ['password', 'disable'] as const) {
    it(`waits for an uncommitted ${change} that already ended the sessions, then answers false`, async () => {
      const id = await account();
      // The disable as the owner: the route's permission check is not what is under test.
      const changer = await connect(change === 'password' ? appUrl() : inject('databaseUrl'));
      const signIn = await connect(appUrl());
      try {
        await changer.query('BEGIN');
        if (change === 'password') {
          await changer.query(`SELECT set_config('app.user_id', $1, true)`, [id]);
          await changer.query(`SELECT set_own_password_hash('hash-new')`);
          await changer.query(`SELECT sessions_end_for_user($1, NULL)`, [id]);
        } else {
          await changer.query(`UPDATE users SET disabled_at = now() WHERE id = $1`, [id]);
          await changer.query(`DELETE FROM "session" WHERE user_id = $1`, [id]);
        }
        // The sign-in writes its session now: the change's ending above ran before it.
        const sid = `sid-${randomUUID()}`;
        await signIn.query(`SELECT session_insert($1, $2, now() + interval '1 hour')`, [
          sid,
          JSON.stringify({ cookie: {}, passport: { user: id } }),
        ]);
        let settled = false;
        const checked = (async () => {
          await signIn.query('BEGIN');
          await signIn.query(`SELECT set_config('app.user_id', $1, true)`, [id]);
          const { rows } = await signIn.query<{ ok: boolean }>(`SELECT own_credentials_unchanged('hash-old') AS ok`);
          await signIn.query('COMMIT');
          settled = true;
          return rows[0].ok;
        })();
        await sleep(300);
        expect(settled).toBe(false);
        await changer.query('COMMIT');
        expect(await checked).toBe(false);
      } finally {
        await changer.end();
        await signIn.end();
      }
    });
  }
});
