import { Injectable } from '@nestjs/common';

/**
 * Whether this process is shutting down. Readiness answers 503 from the moment it is, and
 * every response then tells its keep-alive client to close the connection.
 */
@Injectable()
export class ShutdownState {
  private since: number | undefined;

  get draining(): boolean {
    return this.since !== undefined;
  }

  begin(): void {
    this.since ??= Date.now();
  }
}
