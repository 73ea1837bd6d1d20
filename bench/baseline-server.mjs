// The baseline: the same work as Byline's benchmarked routes, with node:http and pg only.
// PORT and DATABASE_URL come from the environment; started by bench/run.ts.
import { createServer } from 'node:http';
import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { verify } from '@node-rs/argon2';
import signature from 'cookie-signature';

const pool = new pg.Pool({ connectionString: process.env.DATABASE_URL, max: 10 });
const secret = process.env.SESSION_SECRET;

function sidFrom(req) {
  const match = /(?:^|;\s*)__Host-byline\.sid=([^;]+)/.exec(req.headers.cookie ?? '');
  if (!match) return null;
  const value = decodeURIComponent(match[1]);
  return value.startsWith('s:') ? signature.unsign(value.slice(2), secret) || null : null;
}

const send = (res, status, body) => {
  res.writeHead(status, { 'content-type': 'application/json' });
  res.end(JSON.stringify(body));
};

async function myPosts(req, res) {
  const sid = sidFrom(req);
  const session = sid && (await pool.query('SELECT sess FROM "session" WHERE sid = $1 AND expire > now()', [sid])).rows[0];
  const userId = session?.sess?.passport?.user;
  if (!userId) return send(res, 401, { status: 401 });
  const { rows } = await pool.query(
    `SELECT id, title, slug, body, editorial_date, publish_at, created_at, updated_at FROM posts
     WHERE user_id = $1 ORDER BY created_at DESC, id DESC LIMIT 20`,
    [userId],
  );
  send(res, 200, { items: rows, nextCursor: null });
}

async function publicPosts(res) {
  const { rows } = await pool.query(
    `SELECT p.id, p.title, p.slug, p.body, p.editorial_date, p.publish_at, u.handle, u.display_name
     FROM posts p JOIN users u ON u.id = p.user_id
     WHERE p.publish_at <= now() ORDER BY p.publish_at DESC, p.id DESC LIMIT 20`,
  );
  send(res, 200, { items: rows, nextCursor: null });
}

async function postBySlug(res, handle, slug) {
  const { rows } = await pool.query(
    `SELECT p.id, p.title, p.slug, p.body, p.editorial_date, p.publish_at, u.handle, u.display_name
     FROM posts p JOIN users u ON u.id = p.user_id
     WHERE u.handle = $1 AND p.slug = $2 AND p.publish_at <= now()`,
    [handle, slug],
  );
  return rows[0] ? send(res, 200, rows[0]) : send(res, 404, { status: 404 });
}

async function login(req, res) {
  let raw = '';
  for await (const chunk of req) raw += chunk;
  const { email, password } = JSON.parse(raw);
  const user = (await pool.query('SELECT id, password_hash FROM users WHERE email = $1', [email])).rows[0];
  if (!user || !(await verify(user.password_hash, password))) return send(res, 401, { status: 401 });
  const sid = randomBytes(24).toString('base64url');
  await pool.query(`INSERT INTO "session" (sid, sess, expire) VALUES ($1, $2, now() + interval '30 minutes')`, [
    sid,
    { passport: { user: user.id } },
  ]);
  res.setHeader('set-cookie', `__Host-byline.sid=s%3A${encodeURIComponent(signature.sign(sid, secret))}; Path=/; HttpOnly`);
  send(res, 200, { user: { id: user.id } });
}

async function createPost(req, res) {
  const sid = sidFrom(req);
  const session = sid && (await pool.query('SELECT sess FROM "session" WHERE sid = $1 AND expire > now()', [sid])).rows[0];
  const userId = session?.sess?.passport?.user;
  if (!userId) return send(res, 401, { status: 401 });
  let raw = '';
  for await (const chunk of req) raw += chunk;
  const { title } = JSON.parse(raw);
  const slug = title.toLowerCase().replace(/[^a-z0-9]+/g, '-').replace(/^-|-$/g, '');
  const { rows } = await pool.query(
    `INSERT INTO posts (user_id, title, slug, body, updated_at) VALUES ($1, $2, $3, '', now())
     RETURNING id, title, slug, body, editorial_date, publish_at, created_at, updated_at`,
    [userId, title, slug],
  );
  send(res, 201, rows[0]);
}

createServer((req, res) => {
  const url = new URL(req.url, 'http://baseline');
  const bySlug = /^\/v1\/public\/authors\/([^/]+)\/posts\/([^/]+)$/.exec(url.pathname);
  const work =
    url.pathname === '/v1/posts' && req.method === 'POST' ? createPost(req, res)
    : url.pathname === '/v1/posts' ? myPosts(req, res)
    : url.pathname === '/v1/public/posts' ? publicPosts(res)
    : bySlug ? postBySlug(res, bySlug[1], bySlug[2])
    : url.pathname === '/v1/auth/login' && req.method === 'POST' ? login(req, res)
    : Promise.resolve(send(res, 404, { status: 404 }));
  work.catch((error) => send(res, 500, { error: error.message }));
}).listen(Number(process.env.PORT), '127.0.0.1', () => console.log('baseline listening'));
