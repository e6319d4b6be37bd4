import type http from 'node:http';

/** Chromium caps preflight caching at 2 h; longer values are silently shortened. */
const PREFLIGHT_MAX_AGE_SECONDS = 7200;
const ALLOWED_METHODS = 'GET, POST, OPTIONS';
/** Exactly what a feedback button needs: its key and a JSON body. */
const ALLOWED_HEADERS = 'authorization, content-type';

/**
 * CORS for /graphql with an allow-list (CORS_ORIGINS). Requests from listed origins get the allow
 * header (and `Vary: Origin`, so caches never serve one origin's answer to another); others get no
 * CORS headers, and the browser refuses to hand them the response. No credentials: keys travel in the
 * Authorization header, never in cookies, so a page cannot borrow a user's session.
 */
export class Cors {
  private readonly any: boolean;
  private readonly origins: Set<string>;

  constructor(origins: readonly string[]) {
    this.any = origins.includes('*');
    this.origins = new Set(origins.filter((o) => o !== '*').map((o) => o.toLowerCase()));
  }

  /** Adds the headers for an actual request. */
  apply(req: http.IncomingMessage, res: http.ServerResponse): void {
    if (!this.any && this.origins.size === 0) return;
    res.setHeader('vary', 'Origin');
    const origin = this.allowed(req);
    if (origin) {
      res.setHeader('access-control-allow-origin', origin);
      // Retry-After (429, 503) and x-request-id are not CORS-safelisted: without this a page cannot read them.
      res.setHeader('access-control-expose-headers', 'retry-after, x-request-id');
    }
  }

  /** Answers a preflight (OPTIONS); the CSRF guard never sees it. */
  preflight(req: http.IncomingMessage, res: http.ServerResponse): void {
    const origin = this.allowed(req);
    res.setHeader('vary', 'Origin, Access-Control-Request-Method, Access-Control-Request-Headers');
    if (origin) {
      res.setHeader('access-control-allow-origin', origin);
      res.setHeader('access-control-allow-methods', ALLOWED_METHODS);
      res.setHeader('access-control-allow-headers', ALLOWED_HEADERS);
      res.setHeader('access-control-max-age', String(PREFLIGHT_MAX_AGE_SECONDS));
    }
    res.setHeader('allow', ALLOWED_METHODS);
    res.statusCode = 204;
    res.end();
  }

  private allowed(req: http.IncomingMessage): string | null {
    const origin = req.headers.origin;
    if (!origin) return null;
    if (this.any) return '*';
    return this.origins.has(origin.toLowerCase()) ? origin : null;
  }
}
