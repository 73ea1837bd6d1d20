import { applyDecorators, SetMetadata } from '@nestjs/common';
import { ApiHeader } from '@nestjs/swagger';
import { idempotencyHeader } from './idempotency-key.js';

export const IDEMPOTENT_KEY = 'byline:idempotent';

/**
 * A POST that creates or changes something: it accepts an Idempotency-Key, and with one its
 * change and its kept response commit in one transaction (IdempotencyInterceptor).
 */
export const Idempotent = () =>
  applyDecorators(
    SetMetadata(IDEMPOTENT_KEY, true),
    ApiHeader({
      name: idempotencyHeader,
      required: false,
      description:
        'Makes a retry safe: 1 to 255 printable ASCII characters, scoped to the signed-in user and kept for 24 hours. ' +
        'A repeat of the same request (method, path, body) gets the kept response again with `Idempotent-Replayed: true` ' +
        'and changes nothing; a repeat while the first is still running gets 409; the same key with a different request, 422; ' +
        'a malformed key, 400. Only successful responses are kept: a failed request changed nothing and may be retried.',
      schema: { type: 'string', minLength: 1, maxLength: 255, pattern: '^[\\x20-\\x7E]+$' },
    }),
  );
