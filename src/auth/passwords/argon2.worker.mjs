// Argon2id in piscina's worker threads. Plain JavaScript, because a worker thread loads its
// file with Node itself (no TypeScript loader there, under tests or in production).
// PasswordHasher starts these threads niced, so the synchronous calls below take the CPU
// that requests leave, and never the requests' own.
import { hashSync, verifySync } from '@node-rs/argon2';

/** @param {{ password: string, hash?: string, options: object }} task */
export default function argon2(task) {
  return task.hash === undefined ? hashSync(task.password, task.options) : verifySync(task.hash, task.password);
}
