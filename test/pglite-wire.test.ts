import assert from 'node:assert/strict';
import net from 'node:net';
import { after, before, describe, test } from 'node:test';
import { PGlite } from '@electric-sql/pglite';
import { Client } from 'pg';
import { PgliteServer } from '../src/db/pglite-server';

/**
 * Issue 11: the embedded database's wire server against hostile and vanishing clients. A real PGlite
 * (in memory) behind the real server on loopback; real sockets send what a broken or malicious client
 * would. Before the fix, a startup packet declaring length 0 made the parser loop forever on the same
 * bytes (the whole API hung at 100% CPU).
 */
const PASSWORD = 'per-start-secret-0123456789abcdef';

describe('embedded wire server: impossible lengths and vanishing clients', () => {
  let db: PGlite;
  let server: PgliteServer;
  let port: number;

  before(async () => {
    db = await PGlite.create();
    server = new PgliteServer(db, PASSWORD);
    port = await server.listen('127.0.0.1', 0);
    await db.exec('CREATE TABLE t (v int)');
  });
  after(async () => {
    await server.close();
    await db.close();
  });

  const client = async () => {
    const c = new Client({ connectionString: `postgresql://postgres:${PASSWORD}@127.0.0.1:${port}/postgres` });
    await c.connect();
    return c;
  };

  /** Sends raw bytes; resolves with how the server ended the connection (or 'open' after 2 s). */
  function send(bytes: Buffer): Promise<'closed' | 'open'> {
    return new Promise((resolve) => {
      const s = net.connect(port, '127.0.0.1', () => s.write(bytes));
      // Read what the server says (the password request): unread data would hold back 'close'.
      s.resume();
      const timer = setTimeout(() => {
        s.destroy();
        resolve('open');
      }, 2000);
      s.on('close', () => {
        clearTimeout(timer);
        resolve('closed');
      });
      s.on('error', () => undefined);
    });
  }

  const int32 = (n: number) => {
    const b = Buffer.alloc(4);
    b.writeInt32BE(n);
    return b;
  };
  /** A valid startup packet (protocol 3.0, user postgres). */
  const startup = () => {
    const body = Buffer.concat([int32(196608), Buffer.from('user\0postgres\0database\0postgres\0\0')]);
    return Buffer.concat([int32(body.length + 4), body]);
  };

  test('a startup length of 0, 4, -1 or 1 MB closes that socket; the server keeps serving', async () => {
    for (const len of [0, 4, -1, 1_000_000]) {
      const outcome = await send(Buffer.concat([int32(len), int32(196608)]));
      assert.equal(outcome, 'closed', `startup length ${len}`);
      const c = await client();
      assert.equal((await c.query('SELECT 1 AS one')).rows[0].one, 1, `served after startup length ${len}`);
      await c.end();
    }
  });

  test('a message length below 4 or above 1 GB after a good startup closes that socket', async () => {
    for (const len of [-1, 0, 3, 0x40000000]) {
      const outcome = await send(Buffer.concat([startup(), Buffer.from('Q'), int32(len), Buffer.from('SELECT 1\0')]));
      assert.equal(outcome, 'closed', `message length ${len}`);
    }
    const c = await client();
    assert.equal((await c.query('SELECT 2 AS two')).rows[0].two, 2);
    await c.end();
  });

  test('a client that vanishes mid-transaction is rolled back; the others go on', async () => {
    const a = await client();
    a.on('error', () => undefined);
    // Connected first: while a's transaction is open, every other connection waits (startup included).
    const b = await client();
    await a.query('BEGIN');
    await a.query('INSERT INTO t VALUES (1)');
    // b waits for a's transaction; a disappears without a word.
    const pending = b.query('SELECT count(*)::int AS n FROM t');
    (a as unknown as { connection: { stream: net.Socket } }).connection.stream.destroy();
    assert.equal((await pending).rows[0].n, 0, 'the vanished transaction left nothing');
    await b.query('INSERT INTO t VALUES (2)');
    assert.equal((await b.query('SELECT count(*)::int AS n FROM t')).rows[0].n, 1);
    await b.end();
  });

  test('issue 12: a client without the per-start password is refused (28P01) and reads nothing', async () => {
    for (const url of [`postgresql://postgres@127.0.0.1:${port}/postgres`, `postgresql://postgres:wrong@127.0.0.1:${port}/postgres`, `postgresql://admin:${PASSWORD}x@127.0.0.1:${port}/postgres`]) {
      const c = new Client({ connectionString: url });
      c.on('error', () => undefined);
      await assert.rejects(c.connect(), (err: any) => {
        assert.equal(err.code, '28P01', String(err));
        return true;
      });
    }
    // A raw client that skips authentication and sends a query gets the socket closed, no rows.
    const chunks: Buffer[] = [];
    const outcome = await new Promise<string>((resolve) => {
      const sock = net.connect(port, '127.0.0.1', () => sock.write(Buffer.concat([startup(), Buffer.from('Q'), int32(4 + 'SELECT * FROM t\0'.length), Buffer.from('SELECT * FROM t\0')])));
      sock.on('data', (b) => chunks.push(b));
      sock.on('close', () => resolve('closed'));
      sock.on('error', () => undefined);
      setTimeout(() => resolve('open'), 5000);
    });
    assert.equal(outcome, 'closed');
    const reply = Buffer.concat(chunks);
    assert.ok(!reply.includes(Buffer.from('T')) || reply.includes(Buffer.from('28P01')), 'an error, no row description');
    assert.ok(reply.includes(Buffer.from('28P01')));
    // The right password still works.
    const ok = await client();
    await ok.end();
  });
});
