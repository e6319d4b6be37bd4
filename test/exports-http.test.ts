import assert from 'node:assert/strict';
import crypto from 'node:crypto';
import fs from 'node:fs';
import http from 'node:http';
import { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { ExportFile, serveExportFile } from '../src/http/exports';

/**
 * serveExportFile over real HTTP (a bare node:http server, no database): the headers and status codes
 * that `curl -C -`, `wget -c` and browser download managers depend on to resume a download safely.
 */

const sha256 = (b: Buffer) => crypto.createHash('sha256').update(b).digest('hex');

/** 1 000 JSONL lines of exactly 100 bytes each: 100 000 bytes, the same every run. */
function jsonl(): Buffer {
  const lines: string[] = [];
  for (let i = 0; i < 1000; i++) {
    const head = `{"i":${i},"prompt":"question ${i}","text":"`;
    lines.push(head + 'x'.repeat(100 - head.length - 3) + '"}\n');
  }
  const buf = Buffer.from(lines.join(''));
  assert.equal(buf.length, 100_000);
  return buf;
}

interface Fetched {
  status: number;
  headers: http.IncomingHttpHeaders;
  body: Buffer;
}

describe('export file downloads over HTTP', () => {
  let dir: string;
  let server: http.Server;
  let base: string;
  const data = jsonl();
  const files: Record<string, ExportFile> = {};
  /** What each serveExportFile call ended with, by request path (to see aborts settle). */
  const settled: { path: string; error?: Error }[] = [];
  let onSettled: (() => void) | undefined;

  before(async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'fw-exports-'));
    const file = path.join(dir, 'export.jsonl');
    fs.writeFileSync(file, data);
    files['/file'] = { path: file, sha256: sha256(data), bytes: data.length, contentType: 'application/x-ndjson' };
    // Large enough that the socket buffers cannot take it all: an abort lands mid-stream.
    const big = crypto.randomBytes(32 * 1024 * 1024);
    fs.writeFileSync(path.join(dir, 'big.bin'), big);
    files['/big'] = { path: path.join(dir, 'big.bin'), sha256: sha256(big), bytes: big.length, contentType: 'application/octet-stream' };
    fs.writeFileSync(path.join(dir, 'empty.jsonl'), '');
    files['/empty'] = { path: path.join(dir, 'empty.jsonl'), sha256: sha256(Buffer.alloc(0)), bytes: 0, contentType: 'application/x-ndjson' };
    files['/missing'] = { path: path.join(dir, 'gone.jsonl'), sha256: sha256(data), bytes: data.length, contentType: 'application/x-ndjson' };
    files['/wrong-size'] = { ...files['/file'], bytes: data.length + 1 };

    server = http.createServer((req, res) => {
      const file = files[req.url ?? ''];
      if (!file) {
        res.statusCode = 404;
        res.end();
        return;
      }
      serveExportFile(req, res, file).then(
        () => {
          settled.push({ path: req.url! });
          onSettled?.();
        },
        (error: Error) => {
          settled.push({ path: req.url!, error });
          // What app.ts's route() catch does.
          if (!res.headersSent) {
            res.statusCode = 500;
            res.end();
          } else res.destroy();
          onSettled?.();
        },
      );
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });

  after(async () => {
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
    fs.rmSync(dir, { recursive: true, force: true });
  });

  function get(pathname: string, headers: Record<string, string> = {}, method = 'GET'): Promise<Fetched> {
    return new Promise((resolve, reject) => {
      const req = http.request(`${base}${pathname}`, { method, headers, agent: false }, (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => resolve({ status: res.statusCode!, headers: res.headers, body: Buffer.concat(chunks) }));
        res.on('error', reject);
      });
      req.on('error', reject);
      req.end();
    });
  }

  const etag = () => `"${files['/file'].sha256}"`;

  test('GET sends the whole file with its strong ETag and cache headers', async () => {
    const r = await get('/file');
    assert.equal(r.status, 200);
    assert.equal(r.body.length, 100_000);
    assert.equal(sha256(r.body), files['/file'].sha256);
    assert.equal(r.headers.etag, etag());
    assert.equal(r.headers['accept-ranges'], 'bytes');
    assert.equal(r.headers['content-type'], 'application/x-ndjson');
    assert.equal(r.headers['cache-control'], 'private, max-age=0, must-revalidate');
    assert.equal(r.headers['content-length'], '100000');
    assert.equal(r.headers['content-range'], undefined);
  });

  test('HEAD sends the same headers and no body (and ignores Range: defined for GET only)', async () => {
    const r = await get('/file', {}, 'HEAD');
    assert.equal(r.status, 200);
    assert.equal(r.body.length, 0);
    assert.equal(r.headers.etag, etag());
    assert.equal(r.headers['accept-ranges'], 'bytes');
    assert.equal(r.headers['content-type'], 'application/x-ndjson');
    assert.equal(r.headers['cache-control'], 'private, max-age=0, must-revalidate');
    assert.equal(r.headers['content-length'], '100000');
    const ranged = await get('/file', { range: 'bytes=0-9' }, 'HEAD');
    assert.equal(ranged.status, 200);
    assert.equal(ranged.headers['content-length'], '100000');
  });

  test('If-None-Match with the ETag, a weak form of it, a list containing it, or * answers 304 without a body', async () => {
    for (const value of [etag(), `W/${etag()}`, `"other", ${etag()}`, '*']) {
      for (const method of ['GET', 'HEAD']) {
        const r = await get('/file', { 'if-none-match': value, range: 'bytes=0-9' }, method);
        assert.equal(r.status, 304, `${method} If-None-Match: ${value}`);
        assert.equal(r.body.length, 0);
        assert.equal(r.headers.etag, etag());
        assert.equal(r.headers['cache-control'], 'private, max-age=0, must-revalidate');
      }
    }
    const stale = await get('/file', { 'if-none-match': '"0000"' });
    assert.equal(stale.status, 200);
    assert.equal(stale.body.length, 100_000);
  });

  test('Range a-b, a- and -n send exactly those bytes with 206 and Content-Range', async () => {
    const cases: [string, number, number][] = [
      ['bytes=0-99', 0, 99],
      ['bytes=12345-23456', 12345, 23456],
      ['bytes=99999-99999', 99999, 99999],
      ['bytes=99990-', 99990, 99999],
      ['bytes=0-', 0, 99999],
      ['bytes=-500', 99500, 99999],
      ['bytes=-200000', 0, 99999], // a suffix longer than the file is the whole file
      ['bytes=99000-1000000', 99000, 99999], // an end past the file is clamped
      ['BYTES = 10 - 19', 10, 19], // the unit is case-insensitive; whitespace is tolerated
    ];
    for (const [range, start, end] of cases) {
      const r = await get('/file', { range });
      assert.equal(r.status, 206, range);
      assert.equal(r.headers['content-range'], `bytes ${start}-${end}/100000`, range);
      assert.equal(r.headers['content-length'], String(end - start + 1), range);
      assert.equal(r.headers.etag, etag(), range);
      assert.equal(r.headers['content-type'], 'application/x-ndjson', range);
      assert.ok(r.body.equals(data.subarray(start, end + 1)), `${range}: wrong bytes`);
    }
  });

  test('a download resumed with bytes=N- (and If-Range) reassembles the file exactly', async () => {
    const first = await get('/file', { range: 'bytes=0-29999' });
    assert.equal(first.status, 206);
    assert.equal(first.body.length, 30_000);
    const rest = await get('/file', { range: 'bytes=30000-', 'if-range': first.headers.etag as string });
    assert.equal(rest.status, 206);
    assert.equal(rest.headers['content-range'], 'bytes 30000-99999/100000');
    const whole = Buffer.concat([first.body, rest.body]);
    assert.ok(whole.equals(data));
    assert.equal(sha256(whole), files['/file'].sha256);
  });

  test('If-Range that does not match the ETag (another tag, a weak tag, a date) sends the whole file with 200', async () => {
    for (const ifRange of ['"0000"', `W/${etag()}`, 'Wed, 21 Oct 2015 07:28:00 GMT']) {
      const r = await get('/file', { range: 'bytes=30000-', 'if-range': ifRange });
      assert.equal(r.status, 200, ifRange);
      assert.equal(r.headers['content-range'], undefined);
      assert.equal(r.body.length, 100_000);
      assert.equal(sha256(r.body), files['/file'].sha256);
    }
  });

  test('a range starting at or beyond the end is 416 with Content-Range bytes */size and a JSON error', async () => {
    for (const range of ['bytes=100000-', 'bytes=100000-100010', 'bytes=5000000-', 'bytes=-0']) {
      const r = await get('/file', { range });
      assert.equal(r.status, 416, range);
      assert.equal(r.headers['content-range'], 'bytes */100000', range);
      assert.match(r.headers['content-type'] ?? '', /^application\/json/);
      const body = JSON.parse(r.body.toString('utf8'));
      assert.equal(body.errors[0].extensions.code, 'RANGE_NOT_SATISFIABLE');
      assert.equal(typeof body.errors[0].message, 'string');
    }
  });

  test('several ranges, or a malformed Range header, get the whole file with 200', async () => {
    for (const range of ['bytes=0-9,20-29', 'bytes=0-9, 200000-', 'bytes=abc', 'bytes=20-10', 'bytes=-', 'items=0-9', '0-9', 'bytes=1-2-3', 'bytes=+1-5']) {
      const r = await get('/file', { range });
      assert.equal(r.status, 200, range);
      assert.equal(r.headers['content-range'], undefined, range);
      assert.equal(r.body.length, 100_000, range);
      assert.equal(sha256(r.body), files['/file'].sha256, range);
    }
  });

  test('an empty file: 200 with no body, Range ignored', async () => {
    for (const range of [undefined, 'bytes=0-', 'bytes=-10']) {
      const r = await get('/empty', range ? { range } : {});
      assert.equal(r.status, 200, String(range));
      assert.equal(r.headers['content-length'], '0');
      assert.equal(r.body.length, 0);
    }
  });

  test('a missing file is a 404 JSON error (NOT_FOUND), for GET and HEAD', async () => {
    const r = await get('/missing');
    assert.equal(r.status, 404);
    assert.match(r.headers['content-type'] ?? '', /^application\/json/);
    assert.equal(r.headers.etag, undefined);
    assert.deepEqual(JSON.parse(r.body.toString('utf8')), { errors: [{ message: 'export file missing', extensions: { code: 'NOT_FOUND' } }] });
    assert.equal((await get('/missing', {}, 'HEAD')).status, 404);
  });

  test('a file whose size differs from the recorded one is refused (rejects; the caller answers 500)', async () => {
    const r = await get('/wrong-size');
    assert.equal(r.status, 500);
    const last = settled.filter((s) => s.path === '/wrong-size').at(-1);
    assert.match(last?.error?.message ?? '', /expected 100001 bytes/);
  });

  test('a client aborting mid-stream: the server survives, the call resolves, and the file is closed', async () => {
    const bigPath = fs.realpathSync(files['/big'].path);
    /** Descriptors this process holds on the big file (Linux; elsewhere the check is skipped). */
    const openOnBig = (): number | undefined => {
      if (!fs.existsSync('/proc/self/fd')) return undefined;
      let n = 0;
      for (const fd of fs.readdirSync('/proc/self/fd')) {
        try {
          if (fs.readlinkSync(`/proc/self/fd/${fd}`) === bigPath) n++;
        } catch {
          // The descriptor closed between listing and reading it.
        }
      }
      return n;
    };

    for (const range of [undefined, 'bytes=1000-']) {
      const before = settled.length;
      const done = new Promise<void>((resolve) => {
        onSettled = () => {
          if (settled.length > before) resolve();
        };
      });
      let received = 0;
      let openMidStream: number | undefined;
      await new Promise<void>((resolve, reject) => {
        const req = http.request(`${base}/big`, { agent: false, headers: range ? { range } : {} }, (res) => {
          assert.equal(res.statusCode, range ? 206 : 200);
          res.once('data', (chunk: Buffer) => {
            received += chunk.length;
            // Mid-stream: the server holds the file open with most of it still to send.
            openMidStream = openOnBig();
            req.destroy();
            resolve();
          });
        });
        req.on('error', (err) => ((err as NodeJS.ErrnoException).code === 'ECONNRESET' ? undefined : reject(err)));
        req.end();
      });
      assert.ok(received > 0 && received < files['/big'].bytes);
      if (openMidStream !== undefined) assert.equal(openMidStream, 1, 'the file is open while streaming');
      await done;
      onSettled = undefined;
      const outcome = settled.at(-1)!;
      assert.equal(outcome.path, '/big');
      assert.equal(outcome.error, undefined, 'a client going away is not an error on our side');
      // The read stream is destroyed with the response; its close is asynchronous, so allow a moment.
      for (let i = 0; i < 50 && (openOnBig() ?? 0) > 0; i++) await new Promise((r) => setTimeout(r, 10));
      if (openOnBig() !== undefined) assert.equal(openOnBig(), 0, 'no descriptor left on the file');
    }

    // The server still answers, in full.
    const r = await get('/file');
    assert.equal(r.status, 200);
    assert.equal(sha256(r.body), files['/file'].sha256);
    const big = await get('/big', { range: 'bytes=-10' });
    assert.equal(big.status, 206);
    assert.equal(big.body.length, 10);
  });
});
