import crypto from 'node:crypto';
import type http from 'node:http';
import { requestIdFor } from '../logging';
import type { Principal } from '../services/api-key.service';

/**
 * What one HTTP request is, for its log line and its errors: the request id (sent back as
 * `x-request-id` and in every error's extensions) and the error codes it answered with. Kept on the
 * request object so the router, the GraphQL handler and the Apollo plugins share it without a map.
 */
export interface RequestRecord {
  requestId: string;
  /** Error codes of the response (GraphQL errors or the HTTP-level error), for the log line. */
  codes: string[];
  /** The root fields of the GraphQL operation (schema names, never client-chosen text). */
  operation?: string;
  /** The caller, once its key was checked (before the body is read). */
  principal?: Principal;
}

const RECORD = Symbol('flywheel.request');
type WithRecord = http.IncomingMessage & { [RECORD]?: RequestRecord };

export function beginRequest(req: http.IncomingMessage): RequestRecord {
  const record: RequestRecord = { requestId: requestIdFor(req.headers['x-request-id'], crypto.randomUUID), codes: [] };
  (req as WithRecord)[RECORD] = record;
  return record;
}

/** The request's record (one is made if the router did not: tests may call handlers directly). */
export function requestRecord(req: http.IncomingMessage): RequestRecord {
  return (req as WithRecord)[RECORD] ?? beginRequest(req);
}
