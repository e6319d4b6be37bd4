import http from 'node:http';
import { ApolloServer, HeaderMap, HTTPGraphQLRequest } from '@apollo/server';

export class HttpError extends Error {
  constructor(readonly status: number, message: string) {
    super(message);
  }
}

/** Reads a request body up to `limit` bytes; a larger body is refused with 413 before it is buffered whole. */
export function readBody(req: http.IncomingMessage, limit: number): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const declared = Number(req.headers['content-length']);
    if (declared > limit) {
      reject(new HttpError(413, `Request body of ${declared} bytes exceeds MAX_BODY_BYTES (${limit})`));
      req.resume();
      return;
    }
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > limit) {
        reject(new HttpError(413, `Request body exceeds MAX_BODY_BYTES (${limit})`));
        req.destroy();
        return;
      }
      chunks.push(chunk);
    });
    req.on('end', () => resolve(chunks.length === 1 ? chunks[0] : Buffer.concat(chunks)));
    req.on('error', reject);
  });
}

/**
 * Apollo Server on node:http directly: the same contract as the Express integration (Apollo does
 * the GraphQL-over-HTTP work: CSRF prevention, content negotiation, status codes), minus a router and
 * body-parser per call. On the ingest hot path that layer cost about a tenth of the server's CPU.
 */
export function graphqlHandler<TContext extends object>(
  apollo: ApolloServer<TContext>,
  opts: { maxBodyBytes: number; context: (req: http.IncomingMessage) => Promise<TContext> },
): (req: http.IncomingMessage, res: http.ServerResponse, search: string) => Promise<void> {
  return async (req, res, search) => {
    const headers = new HeaderMap();
    for (const [key, value] of Object.entries(req.headers)) {
      if (value !== undefined) headers.set(key, Array.isArray(value) ? value.join(', ') : value);
    }
    let body: unknown = undefined;
    if (req.method === 'POST') {
      const raw = await readBody(req, opts.maxBodyBytes);
      const type = headers.get('content-type') ?? '';
      if (raw.length > 0 && type.startsWith('application/json')) {
        try {
          body = JSON.parse(raw.toString('utf8'));
        } catch {
          throw new HttpError(400, 'Request body is not valid JSON');
        }
      } else {
        body = raw.toString('utf8');
      }
    }
    const request: HTTPGraphQLRequest = { method: req.method!.toUpperCase(), headers, search, body };
    const response = await apollo.executeHTTPGraphQLRequest({ httpGraphQLRequest: request, context: () => opts.context(req) });
    for (const [key, value] of response.headers) res.setHeader(key, value);
    res.statusCode = response.status ?? 200;
    if (response.body.kind === 'complete') {
      res.end(response.body.string);
      return;
    }
    for await (const chunk of response.body.asyncIterator) res.write(chunk);
    res.end();
  };
}
