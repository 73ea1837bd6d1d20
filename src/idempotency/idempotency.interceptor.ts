import {
  type CallHandler,
  type ExecutionContext,
  Injectable,
  type NestInterceptor,
} from '@nestjs/common';
import { HTTP_CODE_METADATA } from '@nestjs/common/constants.js';
import { Reflector } from '@nestjs/core';
import type { Request, Response } from 'express';
import { from, lastValueFrom, type Observable } from 'rxjs';
import { DatabaseService } from '../database/database.service.js';
import { ProblemError } from '../http/problems.js';
import { keptForMs, readKeyHeader, requestFingerprint } from './idempotency-key.js';
import { IdempotencyRepository } from './idempotency.repository.js';
import { IDEMPOTENT_KEY } from './idempotent.decorator.js';

const malformedKey = () =>
  new ProblemError(400, 'invalid-idempotency-key', 'Bad Request', 'Idempotency-Key must be 1 to 255 printable ASCII characters.');
const keyInUse = () =>
  new ProblemError(409, 'idempotency-key-in-use', 'Conflict', 'A request with this Idempotency-Key is still running; retry shortly.', {
    'Retry-After': '1',
  });
const keyReused = () =>
  new ProblemError(422, 'idempotency-key-reused', 'Unprocessable Content', 'This Idempotency-Key was used for a different request.');

// Long enough for a slow handler on a busy machine, short enough not to pin a connection.
const transactionLimits = { timeout: 15_000, maxWait: 5_000 };

/**
 * For routes marked @Idempotent() and called with an Idempotency-Key: runs the handler in
 * one transaction (the ambient one that the data layer joins) that first takes the key's
 * lock without waiting (409 when another request holds it) and finally stores the
 * response, so the change and its kept response commit together or not at all.
 */
@Injectable()
export class IdempotencyInterceptor implements NestInterceptor {
  constructor(
    private readonly reflector: Reflector,
    private readonly database: DatabaseService,
    private readonly keys: IdempotencyRepository,
  ) {}

  intercept(context: ExecutionContext, next: CallHandler): Observable<unknown> {
    const handler = context.getHandler();
    if (context.getType() !== 'http' || !this.reflector.get<boolean>(IDEMPOTENT_KEY, handler)) {
      return next.handle();
    }
    const http = context.switchToHttp();
    const req = http.getRequest<Request>();
    // headersDistinct: Node joins a repeated header into "a, b", which would pass as one key.
    const sent = req.headersDistinct['idempotency-key'];
    const header = readKeyHeader(sent && sent.length === 1 ? sent[0] : sent);
    if (header.kind === 'absent' || !req.user) return next.handle();
    if (header.kind === 'malformed') throw malformedKey();
    const path = req.originalUrl.split('?', 1)[0];
    const fingerprint = requestFingerprint(req.method, path, req.body);
    const status = this.reflector.get<number>(HTTP_CODE_METADATA, handler) ?? 201;
    return from(this.run(header.key, fingerprint, status, http.getResponse<Response>(), next));
  }

  private async run(key: string, fingerprint: string, status: number, res: Response, next: CallHandler) {
    const outcome = await this.database.transaction(async () => {
      const { locked, now } = await this.keys.tryLock(key);
      if (!locked) throw keyInUse();
      const kept = await this.keys.find(key, now);
      if (kept) {
        if (kept.fingerprint !== fingerprint) throw keyReused();
        return { replayed: true, status: kept.responseStatus, body: kept.responseBody };
      }
      const result: unknown = await lastValueFrom(next.handle(), { defaultValue: undefined });
      // The text Express would send, so a replay is the same body byte for byte.
      const body = result === undefined || result === null ? null : JSON.stringify(result);
      await this.keys.keep(key, { fingerprint, responseStatus: status, responseBody: body }, new Date(now.getTime() + keptForMs));
      return { replayed: false, status, body };
    }, transactionLimits);
    if (outcome.replayed) res.setHeader('Idempotent-Replayed', 'true');
    res.status(outcome.status);
    return outcome.body === null ? undefined : JSON.parse(outcome.body);
  }
}
