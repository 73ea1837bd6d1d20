import { Injectable } from '@nestjs/common';
import type { NextFunction, Request, Response } from 'express';
import { ShutdownState } from './shutdown-state.js';

/**
 * Tracks the responses in progress so that, once shutdown begins, each one still to send
 * its headers says `Connection: close`: its keep-alive client then reconnects elsewhere
 * instead of sending its next request to a server that is going away.
 */
@Injectable()
export class ConnectionDraining {
  private readonly open = new Set<Response>();

  constructor(private readonly state: ShutdownState) {}

  readonly middleware = (_req: Request, res: Response, next: NextFunction): void => {
    if (this.state.draining) {
      res.setHeader('Connection', 'close');
    } else {
      this.open.add(res);
      res.once('close', () => this.open.delete(res));
    }
    next();
  };

  /** Marks every response not yet started; called once, when shutdown begins. */
  closeOpenResponses(): number {
    for (const res of this.open) if (!res.headersSent) res.setHeader('Connection', 'close');
    return this.open.size;
  }
}
