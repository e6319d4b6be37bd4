import fs from 'node:fs';
import type http from 'node:http';
import { pipeline } from 'node:stream/promises';
import { httpErrorBody } from '../errors';

/** A finished export on disk, with the hash and size recorded when it was written. */
export interface ExportFile {
  path: string;
  sha256: string;
  bytes: number;
  contentType: string;
}

/**
 * The content never changes for a given hash, but it is behind an API key: shared caches must not
 * keep it, and the browser must ask again (a cheap 304 through If-None-Match) before reusing it.
 */
const CACHE_CONTROL = 'private, max-age=0, must-revalidate';

type RangeDecision = { kind: 'full' } | { kind: 'partial'; start: number; end: number } | { kind: 'unsatisfiable' };

/**
 * GET/HEAD of one export file with what resumable downloaders rely on (`curl -C -`, `wget -c`,
 * browser download managers): a strong ETag from the content hash, single byte ranges, If-Range so a
 * resume never splices two different files, and If-None-Match for revalidation.
 *
 * Resolves once the response is complete or the client has gone away; rejects only for faults on our
 * side (the caller's error handler answers 500, or destroys the socket if the body had started).
 */
export async function serveExportFile(req: http.IncomingMessage, res: http.ServerResponse, file: ExportFile): Promise<void> {
  if (req.method !== 'GET' && req.method !== 'HEAD') {
    // The router sends only GET and HEAD here; answering anything else with the file would be wrong.
    res.setHeader('allow', 'GET, HEAD');
    return sendError(res, 405, httpErrorBody('METHOD_NOT_ALLOWED', `${req.method} is not supported for export files; use GET`));
  }
  const head = req.method === 'HEAD';

  // Open before deciding anything: a missing file is a 404 before any header is written, and the open
  // descriptor keeps serving this file even if a cleanup job unlinks or replaces the path meanwhile.
  let handle: fs.promises.FileHandle;
  try {
    handle = await fs.promises.open(file.path, 'r');
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'ENOENT' || code === 'ENOTDIR') return sendError(res, 404, httpErrorBody('NOT_FOUND', 'export file missing'));
    throw err;
  }

  let handedOff = false;
  try {
    const stat = await handle.stat();
    // The ETag promises these exact bytes; a file of another size is not the export we recorded, and
    // sending it under that ETag would let a resumed download splice two different files.
    if (!stat.isFile() || stat.size !== file.bytes) {
      throw new Error(`export file ${file.path} is ${stat.isFile() ? `${stat.size} bytes` : 'not a regular file'}, expected ${file.bytes} bytes`);
    }
    const size = stat.size;
    const etag = `"${file.sha256}"`;

    res.setHeader('etag', etag);
    res.setHeader('cache-control', CACHE_CONTROL);
    res.setHeader('accept-ranges', 'bytes');

    // RFC 9110 §13.2.2: If-None-Match is evaluated before Range, so a cached copy wins over a range.
    if (noneMatch(req.headers['if-none-match'], file.sha256)) {
      res.statusCode = 304;
      res.end();
      return;
    }

    // Range handling is defined for GET only (RFC 9110 §14.2), so HEAD always describes the whole file.
    // Node joins repeated unknown headers into one string; an array would mean something odd: no match.
    const ifRange = req.headers['if-range'];
    const range: RangeDecision = head ? { kind: 'full' } : decideRange(req.headers.range, Array.isArray(ifRange) ? '' : ifRange, etag, size);

    if (range.kind === 'unsatisfiable') {
      res.setHeader('content-range', `bytes */${size}`);
      return sendError(res, 416, httpErrorBody('RANGE_NOT_SATISFIABLE', `Range not satisfiable: the export file is ${size} bytes`));
    }

    const start = range.kind === 'partial' ? range.start : 0;
    const end = range.kind === 'partial' ? range.end : size - 1;
    res.statusCode = range.kind === 'partial' ? 206 : 200;
    if (range.kind === 'partial') res.setHeader('content-range', `bytes ${start}-${end}/${size}`);
    res.setHeader('content-type', file.contentType);
    res.setHeader('content-length', String(end - start + 1));

    // Nothing to stream: HEAD, an empty file, or a client that left while we were opening the file.
    if (head || size === 0 || res.destroyed) {
      res.end();
      return;
    }

    // The stream owns the descriptor from here on (autoClose): it closes it at the end, on a read
    // error, and when pipeline destroys it because the client went away.
    const stream = handle.createReadStream({ start, end });
    handedOff = true;
    try {
      await pipeline(stream, res);
    } catch (err) {
      // The client disconnected (download paused, tab closed): pipeline has already destroyed the read
      // stream, which closes the file. Nothing failed on our side.
      if ((err as NodeJS.ErrnoException).code === 'ERR_STREAM_PREMATURE_CLOSE') return;
      throw err;
    }
  } finally {
    if (!handedOff) await handle.close();
  }
}

/** Each caller builds the body with httpErrorBody and a literal code, where the error-codes test sees it. */
function sendError(res: http.ServerResponse, status: number, body: string): void {
  res.statusCode = status;
  res.setHeader('content-type', 'application/json; charset=utf-8');
  res.end(body);
}

/** If-None-Match uses the weak comparison (RFC 9110 §13.1.2): `W/"x"` matches our `"x"`. */
function noneMatch(header: string | undefined, sha256: string): boolean {
  if (header === undefined) return false;
  if (header.trim() === '*') return true;
  for (const m of header.matchAll(/(?:W\/)?"([^"]*)"/g)) if (m[1] === sha256) return true;
  return false;
}

/**
 * Which part of the file a GET gets. Anything we do not serve as a single range falls back to the
 * whole file with 200, which RFC 9110 §14.2 always allows: a malformed header, several ranges (a
 * multipart/byteranges body buys downloaders nothing), an If-Range for another version, an empty file.
 */
function decideRange(header: string | undefined, ifRange: string | undefined, etag: string, size: number): RangeDecision {
  if (header === undefined) return { kind: 'full' };
  // If-Range uses the strong comparison; a date (we send no Last-Modified) or a weak tag never matches,
  // so the client gets the whole current file instead of a slice to append to an older one.
  if (ifRange !== undefined && ifRange.trim() !== etag) return { kind: 'full' };

  const m = /^\s*bytes\s*=\s*(.*)$/i.exec(header);
  if (!m) return { kind: 'full' };
  const specs = m[1].split(',').map((s) => s.trim()).filter((s) => s !== '');
  if (specs.length !== 1) return { kind: 'full' };
  const spec = /^(\d*)\s*-\s*(\d*)$/.exec(specs[0]);
  if (!spec || (spec[1] === '' && spec[2] === '')) return { kind: 'full' };
  if (size === 0) return { kind: 'full' };

  if (spec[1] === '') {
    // Suffix range `-n`: the last n bytes, or the whole file when it is shorter than n.
    const n = Number(spec[2]);
    if (n === 0) return { kind: 'unsatisfiable' };
    return { kind: 'partial', start: Math.max(0, size - n), end: size - 1 };
  }
  const start = Number(spec[1]);
  // `a-b` with b < a is invalid syntax (ignored); `a-` has no end and runs to the end of the file.
  if (spec[2] !== '' && Number(spec[2]) < start) return { kind: 'full' };
  if (start >= size) return { kind: 'unsatisfiable' };
  const last = spec[2] === '' ? size - 1 : Math.min(Number(spec[2]), size - 1);
  return { kind: 'partial', start, end: last };
}
