import fs from 'node:fs';
import path from 'node:path';
import type http from 'node:http';

/**
 * The in-browser IDE (GraphiQL 3, with React 18 UMD builds) served from this package's own
 * node_modules: no CDN, so it works offline and behind strict egress rules. Apollo's default landing
 * page loads its app from a CDN and, offline, only says it cannot load.
 */
const ASSETS: Record<string, { pkg: string; file: string; type: string }> = {
  'react.production.min.js': { pkg: 'react', file: 'umd/react.production.min.js', type: 'text/javascript' },
  'react-dom.production.min.js': { pkg: 'react-dom', file: 'umd/react-dom.production.min.js', type: 'text/javascript' },
  'graphiql.min.js': { pkg: 'graphiql', file: 'graphiql.min.js', type: 'text/javascript' },
  'graphiql.min.css': { pkg: 'graphiql', file: 'graphiql.min.css', type: 'text/css' },
};

export const GRAPHIQL_ASSET_PREFIX = '/graphiql/';

const PAGE = `<!doctype html>
<html lang="en">
<head>
  <meta charset="utf-8">
  <title>Flywheel GraphQL</title>
  <link rel="stylesheet" href="${GRAPHIQL_ASSET_PREFIX}graphiql.min.css">
  <style>body { margin: 0; height: 100vh; } #graphiql { height: 100vh; }</style>
</head>
<body>
  <div id="graphiql">Loading the GraphQL IDE…</div>
  <script src="${GRAPHIQL_ASSET_PREFIX}react.production.min.js"></script>
  <script src="${GRAPHIQL_ASSET_PREFIX}react-dom.production.min.js"></script>
  <script src="${GRAPHIQL_ASSET_PREFIX}graphiql.min.js"></script>
  <script>
    // Put your key in the Headers tab: {"authorization": "Bearer fw_…"}
    const fetcher = GraphiQL.createFetcher({ url: window.location.origin + '/graphql' });
    ReactDOM.createRoot(document.getElementById('graphiql')).render(
      React.createElement(GraphiQL, { fetcher, defaultHeaders: '{"authorization": "Bearer <your key>"}', shouldPersistHeaders: false }),
    );
  </script>
</body>
</html>`;

const OFF_PAGE = `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Flywheel GraphQL</title></head>
<body><p>This is Flywheel's GraphQL endpoint: POST queries here. The in-browser IDE and introspection are off;
start the service with GRAPHQL_INTROSPECTION=true to use them.</p></body></html>`;

/** GET /graphql from a browser (it asks for HTML, not a GraphQL response). */
export function wantsHtml(req: http.IncomingMessage, search: string): boolean {
  return req.method === 'GET' && !/(^|&)query=/.test(search) && (req.headers.accept ?? '').includes('text/html');
}

export function serveIdePage(res: http.ServerResponse, enabled: boolean): void {
  res.statusCode = 200;
  res.setHeader('content-type', 'text/html; charset=utf-8');
  // The page runs inline scripts of its own only; nothing may load from elsewhere.
  res.setHeader('content-security-policy', "default-src 'self'; script-src 'self' 'unsafe-inline'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; font-src 'self' data:");
  res.end(enabled ? PAGE : OFF_PAGE);
}

const cache = new Map<string, Buffer>();

/** Returns false when `name` is not one of the IDE's assets. */
export function serveIdeAsset(res: http.ServerResponse, name: string): boolean {
  const asset = ASSETS[name];
  if (!asset) return false;
  let body = cache.get(name);
  if (!body) {
    // The UMD builds are not in the packages' `exports`; locate them beside each package.json.
    body = fs.readFileSync(path.join(path.dirname(require.resolve(`${asset.pkg}/package.json`)), asset.file));
    cache.set(name, body);
  }
  res.statusCode = 200;
  res.setHeader('content-type', `${asset.type}; charset=utf-8`);
  res.setHeader('cache-control', 'public, max-age=86400');
  res.end(body);
  return true;
}
