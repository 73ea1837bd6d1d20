import 'express';

declare module 'http' {
  interface IncomingMessage {
    /** The request id pino-http assigns (and echoes in X-Request-Id). */
    id: string | number | object;
  }
  interface ServerResponse {
    /** An error for pino-http to log with the request line. */
    err?: Error;
  }
}
