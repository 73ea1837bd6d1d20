import { applyDecorators } from '@nestjs/common';
import { ApiExtension, ApiOperation, ApiResponse } from '@nestjs/swagger';
import type { Component } from './schemas.js';

/** Problem statuses that only some routes give; the rest follow from the route (see complete-document.ts). */
export type RouteProblem = 400 | 403 | 404 | 409 | 422;

export interface OperationDoc {
  /** The method name a generated client gets: `listMyPosts`, `createPost`. */
  id: string;
  summary: string;
  status: 200 | 201 | 202 | 204;
  /** The success body; none for 202 and 204. */
  body?: Component;
  description?: string;
  /** Why the route gives each of its own problem statuses. */
  problems?: Partial<Record<RouteProblem, string>>;
  /** Publicly cacheable (`Cache-Control: public, max-age`), rather than `no-store`. */
  publicCache?: boolean;
}

export const operationExtension = 'x-byline-operation';

/** Documents a route: its operationId, success response and the problems only it gives. */
export function Operation(doc: OperationDoc) {
  return applyDecorators(
    ApiOperation({ operationId: doc.id, summary: doc.summary }),
    ApiResponse({
      status: doc.status,
      description: doc.description ?? defaultDescription(doc.status),
      ...(doc.body ? { schema: doc.body.ref } : {}),
    }),
    ApiExtension(operationExtension, { problems: doc.problems ?? {}, publicCache: doc.publicCache ?? false }),
  );
}

function defaultDescription(status: number): string {
  switch (status) {
    case 201:
      return 'Created.';
    case 202:
      return 'Accepted; the work happens in the background.';
    case 204:
      return 'Done; no body.';
    default:
      return 'OK.';
  }
}
