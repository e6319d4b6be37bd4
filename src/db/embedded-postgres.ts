import fs from 'node:fs';
import path from 'node:path';
import { PGlite } from '@electric-sql/pglite';
import { FlywheelError } from '../errors';
import { PgliteServer } from './pglite-server';

/**
 * The embedded database: PGlite (PostgreSQL compiled to WASM) served on a loopback port so that the
 * ordinary `pg` driver, TypeORM and pg-boss talk to it exactly as they talk to a real server. One SQL
 * dialect for both.
 *
 * PGlite has a single backend session, and PgliteServer multiplexes every client connection onto it:
 * an open transaction holds the whole database until it ends. That is correct (transactions are
 * serialized) but means code must never wait on a second connection from inside a transaction.
 */
export interface EmbeddedPostgres {
  url: string;
  stop(): Promise<void>;
}

const LOCK_FILE = 'flywheel.lock';

/**
 * Two processes opening one PGlite directory both write to it and lose each other's writes, and
 * PGlite itself does not stop them. A lock file created with O_EXCL holding our pid does; a lock left
 * by a process that no longer exists (kill -9) is taken over.
 *
 * Taking over is itself exclusive: two starters that both find the same stale lock used to both
 * unlink it and both proceed (the second unlinking the first one's fresh lock). Now the takeover is
 * guarded by a second O_EXCL file: only its creator removes the stale lock and creates its own; the
 * other starts over and finds a live lock.
 */
export function acquireLock(dataDir: string): () => void {
  const lockPath = path.join(dataDir, LOCK_FILE);
  const takeoverPath = `${lockPath}.takeover`;
  for (let attempt = 0; attempt < 50; attempt++) {
    try {
      const fd = fs.openSync(lockPath, 'wx', 0o600);
      fs.writeSync(fd, String(process.pid));
      fs.closeSync(fd);
      return () => {
        try {
          if (fs.readFileSync(lockPath, 'utf8') === String(process.pid)) fs.unlinkSync(lockPath);
        } catch {
          /* already gone */
        }
      };
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
      const holder = readPid(lockPath);
      // Our own pid means another app instance in this process holds it (tests start several).
      if (holder !== null && (holder === process.pid || isAlive(holder))) {
        throw new FlywheelError(
          'DATA_DIR_LOCKED',
          `The embedded database in ${dataDir} is in use by process ${holder}. Stop it, or set DATA_DIR to another directory.`,
        );
      }
      takeOver(lockPath, takeoverPath, holder);
    }
  }
  throw new FlywheelError('DATA_DIR_LOCKED', `Could not lock ${lockPath}`);
}

/** The pid in a lock file; null when the file is gone or unreadable (being written or replaced). */
function readPid(file: string): number | null {
  try {
    const pid = Number(fs.readFileSync(file, 'utf8').trim());
    return Number.isInteger(pid) && pid > 0 ? pid : null;
  } catch {
    return null;
  }
}

/** Removes a stale lock (one whose pid is `stale`) under the takeover guard; a contender just waits a moment. */
function takeOver(lockPath: string, takeoverPath: string, stale: number | null): void {
  let guard: number;
  try {
    guard = fs.openSync(takeoverPath, 'wx', 0o600);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
    // Another starter is taking over (or died doing so, which leaves a guard with a dead pid).
    const owner = readPid(takeoverPath);
    if (owner !== null && !isAlive(owner)) fs.rmSync(takeoverPath, { force: true });
    Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 20);
    return;
  }
  try {
    fs.writeSync(guard, String(process.pid));
    fs.closeSync(guard);
    // Still the same stale lock? (Another starter may have replaced it before we took the guard.)
    if (readPid(lockPath) === stale) fs.rmSync(lockPath, { force: true });
  } finally {
    fs.rmSync(takeoverPath, { force: true });
  }
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

export async function startEmbeddedPostgres(dataDir: string): Promise<EmbeddedPostgres> {
  // PGlite does not create parent folders of its data directory.
  fs.mkdirSync(dataDir, { recursive: true });
  const releaseLock = acquireLock(dataDir);
  try {
    const db = await PGlite.create(path.join(dataDir, 'pgdata'));
    const server = new PgliteServer(db);
    const port = await server.listen('127.0.0.1', 0);
    const url = `postgresql://postgres@127.0.0.1:${port}/postgres`;
    return {
      url,
      async stop() {
        await server.close();
        await db.close();
        releaseLock();
      },
    };
  } catch (err) {
    releaseLock();
    throw err;
  }
}
