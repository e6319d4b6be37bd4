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
 */
function acquireLock(dataDir: string): () => void {
  const lockPath = path.join(dataDir, LOCK_FILE);
  for (let attempt = 0; attempt < 2; attempt++) {
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
      const holder = Number(fs.readFileSync(lockPath, 'utf8').trim());
      // Our own pid means another app instance in this process holds it (tests start several).
      if (Number.isInteger(holder) && holder > 0 && (holder === process.pid || isAlive(holder))) {
        throw new FlywheelError(
          'DATA_DIR_LOCKED',
          `The embedded database in ${dataDir} is in use by process ${holder}. Stop it, or set DATA_DIR to another directory.`,
        );
      }
      fs.unlinkSync(lockPath); // stale: its process is gone
    }
  }
  throw new FlywheelError('DATA_DIR_LOCKED', `Could not lock ${lockPath}`);
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
