import { randomUUID } from 'node:crypto';
import type { Request } from 'express';
import './session-data.js';

/** Marks a session new: its own opaque handle, its clocks, and where it came from. */
export function stampNewSession(req: Request): void {
  const now = Date.now();
  req.session.handle = randomUUID();
  req.session.createdAt = now;
  req.session.lastSeenAt = now;
  req.session.userAgent = (req.get('user-agent') ?? '').slice(0, 512);
  req.session.ip = req.ip ?? '';
}
