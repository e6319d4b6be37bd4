import crypto from 'node:crypto';
import net from 'node:net';
import type { PGlite } from '@electric-sql/pglite';

/**
 * Serves one PGlite instance to ordinary PostgreSQL clients (pg, TypeORM, pg-boss) on a loopback port.
 *
 * Why not @electric-sql/pglite-socket: it runs every protocol *message* as its own unit of work. PGlite
 * is one backend session, so the unnamed prepared statement is shared by all connections. When another
 * connection's transaction ran between one client's Parse and its Bind, the client bound its
 * parameters to the other connection's statement — a read returned nothing, or worse, ran somebody
 * else's UPDATE (found by a review-queue test: concurrent claims whose entries came back empty).
 *
 * Here a connection's messages are grouped up to the point where the client waits for an answer (Sync,
 * simple Query, Flush, CopyDone/CopyFail), and a group runs as one unit. While a transaction is open,
 * only the connection that opened it runs; the others queue. A client that disconnects mid-transaction
 * has it rolled back.
 *
 * Only the service may connect: a client must send the per-start password (cleartext authentication,
 * on loopback only) before its startup packet reaches PGlite. Before, any local user's `psql` on this
 * port read `api_key` and inserted an admin key of their own.
 */
const SSL_REQUEST = 80877103;
const CANCEL_REQUEST = 80877102;
const GSS_REQUEST = 80877104;
/** Message types after which a client waits for the server. */
const GROUP_END = new Set([0x53 /* S Sync */, 0x51 /* Q Query */, 0x48 /* H Flush */, 0x63 /* c CopyDone */, 0x66 /* f CopyFail */]);
const TERMINATE = 0x58; // X
/**
 * Length sanity. A startup packet is at least its length and code (8 bytes); PostgreSQL refuses one
 * over 10,000 bytes. A message length counts itself (≥ 4); PostgreSQL caps messages at 1 GB. A length
 * outside these bounds cannot come from a real client: a 0 used to make the parser loop forever on the
 * same bytes, hanging the whole API. Such a client is disconnected; the others go on.
 */
const MIN_STARTUP = 8;
const MAX_STARTUP = 10_000;
const MIN_MESSAGE = 4;
const MAX_MESSAGE = 0x3fffffff;
/** A simple Query message: 'Q', int32 length (itself + text + NUL), "ROLLBACK\0". */
const ROLLBACK_MESSAGE = (() => {
  const text = Buffer.from('ROLLBACK\0');
  const msg = Buffer.alloc(5 + text.length);
  msg[0] = 0x51;
  msg.writeInt32BE(4 + text.length, 1);
  text.copy(msg, 5);
  return new Uint8Array(msg);
})();

class Connection {
  buffer: Buffer = Buffer.alloc(0);
  started = false;
  /** The startup packet, held back until the password is right. */
  startup: Buffer | null = null;
  pending: Buffer[] = [];
  closed = false;
  constructor(readonly socket: net.Socket) {}
}

interface Work {
  conn: Connection;
  data: Uint8Array;
}

export class PgliteServer {
  private readonly server: net.Server;
  private readonly connections = new Set<Connection>();
  private queue: Work[] = [];
  /** The connection whose transaction is open, if any. */
  private owner: Connection | null = null;
  private running = false;

  constructor(
    private readonly db: PGlite,
    private readonly password: string,
  ) {
    this.server = net.createServer((socket) => this.accept(socket));
  }

  listen(host: string, port: number): Promise<number> {
    return new Promise((resolve, reject) => {
      this.server.once('error', reject);
      this.server.listen(port, host, () => resolve((this.server.address() as net.AddressInfo).port));
    });
  }

  async close(): Promise<void> {
    for (const c of this.connections) c.socket.destroy();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  private accept(socket: net.Socket): void {
    socket.setNoDelay(true);
    const conn = new Connection(socket);
    this.connections.add(conn);
    socket.on('data', (chunk: Buffer) => {
      conn.buffer = conn.buffer.length ? Buffer.concat([conn.buffer, chunk]) : chunk;
      this.parse(conn);
    });
    const gone = () => void this.disconnect(conn);
    socket.on('close', gone);
    socket.on('error', gone);
  }

  private parse(conn: Connection): void {
    for (;;) {
      const buf = conn.buffer;
      if (!conn.started) {
        if (buf.length < 4) return;
        const len = buf.readInt32BE(0);
        if (len < MIN_STARTUP || len > MAX_STARTUP) return this.refuse(conn);
        if (buf.length < len) return;
        const code = buf.readInt32BE(4);
        conn.buffer = buf.subarray(len);
        if (code === SSL_REQUEST || code === GSS_REQUEST) {
          conn.socket.write('N');
          continue;
        }
        if (code === CANCEL_REQUEST) continue; // not supported: the query runs to completion
        conn.started = true;
        // AuthenticationCleartextPassword: 'R', length 8, code 3.
        conn.startup = Buffer.from(buf.subarray(0, len));
        conn.socket.write(Buffer.from([0x52, 0, 0, 0, 8, 0, 0, 0, 3]));
        continue;
      }
      if (buf.length < 5) return;
      const type = buf[0];
      const declared = buf.readInt32BE(1);
      if (declared < MIN_MESSAGE || declared > MAX_MESSAGE) return this.refuse(conn);
      const len = declared + 1;
      if (buf.length < len) return;
      const message = buf.subarray(0, len);
      conn.buffer = buf.subarray(len);
      if (type === TERMINATE) {
        conn.socket.end();
        return;
      }
      if (conn.startup) {
        // Until authenticated, the only message accepted is the password ('p', NUL-terminated).
        const given = type === 0x70 ? message.subarray(5, message.length - 1) : Buffer.alloc(0);
        const expected = Buffer.from(this.password);
        if (given.length !== expected.length || !crypto.timingSafeEqual(given, expected)) return this.deny(conn);
        const startup = conn.startup;
        conn.startup = null;
        this.enqueue(conn, startup);
        continue;
      }
      conn.pending.push(message);
      if (GROUP_END.has(type)) {
        const group = Buffer.concat(conn.pending);
        conn.pending = [];
        this.enqueue(conn, group);
      }
    }
  }

  /** A wrong or missing password: FATAL 28P01, as PostgreSQL answers, then the socket closes. */
  private deny(conn: Connection): void {
    const fields = Buffer.from('SFATAL\0VFATAL\0C28P01\0Mpassword authentication failed\0\0');
    const msg = Buffer.alloc(5 + fields.length);
    msg[0] = 0x45; // E
    msg.writeInt32BE(4 + fields.length, 1);
    fields.copy(msg, 5);
    conn.buffer = Buffer.alloc(0);
    conn.socket.end(msg);
    void this.disconnect(conn);
  }

  /** A client that sent an impossible length: drop it (and its open transaction, if any). */
  private refuse(conn: Connection): void {
    conn.buffer = Buffer.alloc(0);
    conn.socket.destroy();
    void this.disconnect(conn);
  }

  private enqueue(conn: Connection, data: Uint8Array): void {
    this.queue.push({ conn, data: new Uint8Array(data) });
    void this.run();
  }

  private async run(): Promise<void> {
    if (this.running) return;
    this.running = true;
    try {
      for (;;) {
        const index = this.owner ? this.queue.findIndex((w) => w.conn === this.owner) : 0;
        if (index < 0 || this.queue.length === 0) return; // the transaction's owner has not sent more yet
        const [work] = this.queue.splice(index, 1);
        if (work.conn.closed) continue;
        await this.db.runExclusive(() =>
          this.db.execProtocolRawStream(work.data, {
            onRawData: (chunk) => {
              if (!work.conn.closed) work.conn.socket.write(Buffer.from(chunk));
            },
          }),
        );
        this.owner = this.db.isInTransaction() ? work.conn : null;
      }
    } finally {
      this.running = false;
    }
  }

  private async disconnect(conn: Connection): Promise<void> {
    if (conn.closed) return;
    conn.closed = true;
    this.connections.delete(conn);
    this.queue = this.queue.filter((w) => w.conn !== conn);
    if (this.owner === conn) {
      // Wait for a running group to finish, then undo the transaction the client left open.
      while (this.running) await new Promise((r) => setImmediate(r));
      if (this.owner === conn) {
        // As a protocol message: db.exec takes the same mutex as runExclusive and waited on itself forever
        // (the other clients with it), so a client that vanished mid-transaction hung the database.
        await this.db.runExclusive(() => this.db.execProtocolRawStream(ROLLBACK_MESSAGE, { onRawData: () => undefined }));
        this.owner = null;
      }
    }
    void this.run();
  }
}
