import http from 'node:http';
import { ApolloServer, HeaderMap, HTTPGraphQLRequest } from '@apollo/server';
import { ErrorCode, httpErrorBody } from '../errors';
import { requestRecord } from './request-record';

/** An error that stops a request before GraphQL runs; sent as `{ errors: [{ message, extensions: { code } }] }`. */
export class HttpError extends Error {
  constructor(
    readonly status: number,
    readonly code: ErrorCode,
    message: string,
    readonly headers: Record<string, string> = {},
  ) {
    super(message);
  }
}

/** A body limit and the setting that sets it (named in the 413 so the caller knows what to change or split). */
export interface BodyLimit {
  bytes: number;
  setting: string;
}

/** Reads a request body up to `limit` bytes; a larger body is refused with 413 before it is buffered whole. */
export function readBody(req: http.IncomingMessage, { bytes: limit, setting }: BodyLimit): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const declared = Number(req.headers['content-length']);
    if (declared > limit) {
      reject(new HttpError(413, 'PAYLOAD_TOO_LARGE', `Request body of ${declared} bytes exceeds ${setting} (${limit}) for this key; send less per request`, { connection: 'close' }));
      req.resume();
      return;
    }
    const chunks: Buffer[] = [];
    let size = 0;
    const onData = (chunk: Buffer) => {
      size += chunk.length;
      if (size > limit) {
        // Stop buffering but keep the socket: destroying it here would drop the 413 before it is sent.
        // The rest of the body is discarded, and the connection closes after the reply.
        req.off('data', onData);
        chunks.length = 0;
        req.resume();
        reject(new HttpError(413, 'PAYLOAD_TOO_LARGE', `Request body exceeds ${setting} (${limit}) for this key; send less per request`, { connection: 'close' }));
        return;
      }
      chunks.push(chunk);
    };
    req.on('data', onData);
    req.on('end', () => resolve(chunks.length === 1 ? chunks[0] : Buffer.concat(chunks)));
    req.on('error', reject);
  });
}

/** Apollo answers some HTTP-level problems in plain text; clients get the same JSON error shape for all. */
function codeForStatus(status: number): ErrorCode {
  if (status === 405) return 'METHOD_NOT_ALLOWED';
  if (status === 415) return 'UNSUPPORTED_MEDIA_TYPE';
  if (status === 406) return 'NOT_ACCEPTABLE';
  if (status === 413) return 'PAYLOAD_TOO_LARGE';
  return 'BAD_REQUEST';
}

const JSON_TYPES = /^application\/(graphql-response\+)?json\b/i;

/**
 * Apollo Server on node:http directly: the same contract as the Express integration (Apollo does
 * the GraphQL-over-HTTP work: CSRF prevention, content negotiation, status codes), minus a router and
 * body-parser per call. On the ingest hot path that layer cost about a tenth of the server's CPU.
 */
export function graphqlHandler<TContext extends object>(
  apollo: ApolloServer<TContext>,
  opts: { bodyLimit: (req: http.IncomingMessage) => BodyLimit; context: (req: http.IncomingMessage, res: http.ServerResponse) => Promise<TContext> },
): (req: http.IncomingMessage, res: http.ServerResponse, search: string) => Promise<void> {
  return async (req, res, search) => {
    const method = req.method!.toUpperCase();
    if (method !== 'GET' && method !== 'POST') {
      throw new HttpError(405, 'METHOD_NOT_ALLOWED', `${method} is not supported on /graphql; use POST (or GET for queries)`, { allow: 'GET, POST, OPTIONS' });
    }
    const headers = new HeaderMap();
    for (const [key, value] of Object.entries(req.headers)) {
      if (value !== undefined) headers.set(key, Array.isArray(value) ? value.join(', ') : value);
    }
    let body: unknown = undefined;
    if (method === 'POST') {
      const type = headers.get('content-type') ?? '';
      // Simple (CSRF-able) types are left to Apollo's CSRF guard, which names the problem; anything else
      // that is not JSON is refused before its body is read.
      const simple = type === '' || /^(text\/plain|application\/x-www-form-urlencoded|multipart\/form-data)\b/i.test(type);
      if (!JSON_TYPES.test(type) && !simple) {
        req.resume();
        throw new HttpError(415, 'UNSUPPORTED_MEDIA_TYPE', `Content-Type "${type.slice(0, 100)}" is not supported; send application/json`);
      }
      const raw = await readBody(req, opts.bodyLimit(req));
      if (raw.length > 0 && JSON_TYPES.test(type)) {
        try {
          body = JSON.parse(raw.toString('utf8'));
        } catch {
          throw new HttpError(400, 'BAD_REQUEST', 'Request body is not valid JSON');
        }
      } else {
        body = raw.toString('utf8');
      }
    }
    const request: HTTPGraphQLRequest = { method, headers, search, body };
    const response = await apollo.executeHTTPGraphQLRequest({ httpGraphQLRequest: request, context: () => opts.context(req, res) });
    for (const [key, value] of response.headers) res.setHeader(key, value);
    res.statusCode = response.status ?? 200;
    if (response.body.kind === 'complete') {
      const contentType = response.headers.get('content-type') ?? '';
      if (res.statusCode >= 400 && !JSON_TYPES.test(contentType)) {
        res.setHeader('content-type', 'application/json; charset=utf-8');
        const record = requestRecord(req);
        const code = codeForStatus(res.statusCode);
        record.codes.push(code);
        res.end(httpErrorBody(code, response.body.string.trim(), { requestId: record.requestId }));
        return;
      }
      res.end(response.body.string);
      return;
    }
    for await (const chunk of response.body.asyncIterator) res.write(chunk);
    res.end();
  };
}
