import type { Server } from 'node:http';
import type { Socket } from 'node:net';

/**
 * The server's connections, and whether each is serving a request. Node's own
 * closeIdleConnections() (which http.Server.close() calls) also closes a connection whose
 * request has arrived but not yet been parsed (a fresh connection on a busy event loop),
 * failing a request the client already sent. Here a connection counts as idle only after
 * it has been quiet for a while.
 */
export class ConnectionTracker {
  private readonly connections = new Map<Socket, { active: number; quietSince: number }>();

  constructor(server: Server) {
    server.on('connection', (socket: Socket) => {
      this.connections.set(socket, { active: 0, quietSince: Date.now() });
      socket.once('close', () => this.connections.delete(socket));
    });
    server.on('request', (req: { socket: Socket }, res: { once(event: 'close', fn: () => void): void }) => {
      const connection = this.connections.get(req.socket);
      if (!connection) return;
      connection.active++;
      res.once('close', () => {
        connection.active--;
        connection.quietSince = Date.now();
      });
    });
  }

  /** Closes the connections with no request in progress, quiet for at least `quietMs`. */
  closeIdle(quietMs: number): number {
    const now = Date.now();
    let closed = 0;
    for (const [socket, { active, quietSince }] of this.connections) {
      if (active === 0 && now - quietSince >= quietMs) {
        socket.destroy();
        closed++;
      }
    }
    return closed;
  }

  get size(): number {
    return this.connections.size;
  }
}
