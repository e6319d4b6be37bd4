import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
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
/** The holder touches its lock this often, so a holder whose pid we cannot check still shows it lives. */
const LOCK_HEARTBEAT_MS = 10_000;
/** A lock whose owner we cannot check (another PID namespace or machine) is stale after 3 missed heartbeats. */
export const LOCK_STALE_MS = 3 * LOCK_HEARTBEAT_MS;

/**
 * Who holds the lock. A pid means something only inside the PID namespace (container) and boot it was
 * taken in: a data dir on a volume shared by two containers showed pid 37 of one container, which does
 * not exist in the other, so the other "took over" a live lock. The owner's namespace and boot id say
 * whether its pid can be checked here; when it cannot, only a heartbeat older than LOCK_STALE_MS lets a
 * starter take over.
 */
interface LockOwner {
  pid: number;
  /** /proc/self/ns/pid and the kernel boot id (with the host name): equal means "our pids". */
  namespace: string;
}

function ourNamespace(): string {
  const read = (f: string, how: (p: string) => string) => {
    try {
      return how(f).trim();
    } catch {
      return '?';
    }
  };
  return [os.hostname(), read('/proc/self/ns/pid', fs.readlinkSync), read('/proc/sys/kernel/random/boot_id', (f) => fs.readFileSync(f, 'utf8'))].join('|');
}
const OUR_NAMESPACE = ourNamespace();

/**
 * Two processes opening one PGlite directory both write to it and lose each other's writes, and
 * PGlite itself does not stop them. A lock file created with O_EXCL naming its owner does; a lock left
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
  const content = JSON.stringify({ pid: process.pid, namespace: OUR_NAMESPACE } satisfies LockOwner);
  for (let attempt = 0; attempt < 50; attempt++) {
    try {
      const fd = fs.openSync(lockPath, 'wx', 0o600);
      fs.writeSync(fd, content);
      fs.closeSync(fd);
      const heartbeat = setInterval(() => {
        const now = new Date();
        try {
          fs.utimesSync(lockPath, now, now);
        } catch {
          /* removed under us: the next starter will see no lock; nothing to do here */
        }
      }, LOCK_HEARTBEAT_MS);
      heartbeat.unref();
      return () => {
        clearInterval(heartbeat);
        try {
          if (fs.readFileSync(lockPath, 'utf8') === content) fs.unlinkSync(lockPath);
        } catch {
          /* already gone */
        }
      };
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
      const holder = readOwner(lockPath);
      if (holder === null) {
        // Replaced or removed right now: look again.
        Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 20);
        continue;
      }
      if (holder.owner === null && Date.now() - holder.touchedMs < 1000) {
        // Created but not yet written by its starter; a holder that died between the two is stale after 1 s.
        Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 20);
        continue;
      }
      if (holder.owner !== null && isLive(holder.owner, holder.touchedMs)) {
        const where = holder.owner.namespace === OUR_NAMESPACE ? `process ${holder.owner.pid}` : `process ${holder.owner.pid} of another host or container (its lock was touched ${Math.round((Date.now() - holder.touchedMs) / 1000)} s ago; it is taken over ${LOCK_STALE_MS / 1000} s after its last touch)`;
        throw new FlywheelError('DATA_DIR_LOCKED', `The embedded database in ${dataDir} is in use by ${where}. Stop it, or set DATA_DIR to another directory.`);
      }
      takeOver(lockPath, takeoverPath, holder.raw);
    }
  }
  throw new FlywheelError('DATA_DIR_LOCKED', `Could not lock ${lockPath}`);
}

/**
 * The lock's owner (a bare pid: a lock written by an older version, taken as ours; null: not parseable,
 * e.g. empty), its text and mtime; null when the file cannot be read (gone).
 */
function readOwner(file: string): { owner: LockOwner | null; raw: string; touchedMs: number } | null {
  let raw: string;
  let touchedMs: number;
  try {
    raw = fs.readFileSync(file, 'utf8');
    touchedMs = fs.statSync(file).mtimeMs;
  } catch {
    return null;
  }
  if (/^\s*\d+\s*$/.test(raw)) return { owner: { pid: Number(raw), namespace: OUR_NAMESPACE }, raw, touchedMs };
  try {
    const parsed = JSON.parse(raw) as Partial<LockOwner>;
    const valid = Number.isInteger(parsed.pid) && typeof parsed.namespace === 'string';
    return { owner: valid ? (parsed as LockOwner) : null, raw, touchedMs };
  } catch {
    return { owner: null, raw, touchedMs };
  }
}

function isLive(owner: LockOwner, touchedMs: number): boolean {
  // Our own pid means another app instance in this process holds it (tests start several).
  if (owner.namespace === OUR_NAMESPACE) return owner.pid === process.pid || isAlive(owner.pid);
  return Date.now() - touchedMs < LOCK_STALE_MS;
}

/** Removes a stale lock (one whose text is `stale`) under the takeover guard; a contender just waits a moment. */
function takeOver(lockPath: string, takeoverPath: string, stale: string): void {
  let guard: number;
  try {
    guard = fs.openSync(takeoverPath, 'wx', 0o600);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
    // Another starter is taking over (or died doing so, which leaves a guard with a dead owner).
    const guardOwner = readOwner(takeoverPath);
    if (guardOwner !== null && (guardOwner.owner === null ? Date.now() - guardOwner.touchedMs > 1000 : !isLive(guardOwner.owner, guardOwner.touchedMs))) {
      fs.rmSync(takeoverPath, { force: true });
    }
    Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 20);
    return;
  }
  try {
    fs.writeSync(guard, JSON.stringify({ pid: process.pid, namespace: OUR_NAMESPACE } satisfies LockOwner));
    fs.closeSync(guard);
    // Still the same stale lock? (Another starter may have replaced it before we took the guard.)
    let current: string | null = null;
    try {
      current = fs.readFileSync(lockPath, 'utf8');
    } catch {
      /* gone already */
    }
    if (current === stale) fs.rmSync(lockPath, { force: true });
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

/** Folders 0700, files 0600, under `dir` (symlinks are left alone). */
export function makePrivate(dir: string): void {
  const walk = (p: string) => {
    try {
      const st = fs.lstatSync(p);
      if (st.isSymbolicLink()) return;
      if (st.isDirectory()) {
        if ((st.mode & 0o777) !== 0o700) fs.chmodSync(p, 0o700);
        for (const name of fs.readdirSync(p)) walk(path.join(p, name));
      } else if ((st.mode & 0o777) !== 0o600) fs.chmodSync(p, 0o600);
    } catch (err) {
      // A temporary file PGlite removed while we walked.
      if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
    }
  };
  walk(dir);
}

export async function startEmbeddedPostgres(dataDir: string): Promise<EmbeddedPostgres> {
  // PGlite does not create parent folders of its data directory.
  // Everything the service writes from here is private to its user (PGlite created its files 0666):
  // new files 0600 and folders 0700, and an existing data dir is brought to that on start.
  process.umask(0o077);
  fs.mkdirSync(dataDir, { recursive: true, mode: 0o700 });
  makePrivate(dataDir);
  const releaseLock = acquireLock(dataDir);
  try {
    const db = await PGlite.create(path.join(dataDir, 'pgdata'));
    // PGlite's file layer sets mode 0666 on the files it creates, whatever the umask: the data dir itself
    // is 0700 (nobody else can reach inside), and a sweep every minute brings new files to 0600.
    makePrivate(dataDir);
    const sweep = setInterval(() => {
      try {
        makePrivate(dataDir);
      } catch {
        /* e.g. a file we may not chmod: the next sweep tries again */
      }
    }, 60_000);
    sweep.unref();
    // Known only to this process: it is in the URL the service's own pools use, never printed or stored.
    const password = crypto.randomBytes(24).toString('hex');
    const server = new PgliteServer(db, password);
    const port = await server.listen('127.0.0.1', 0);
    const url = `postgresql://postgres:${password}@127.0.0.1:${port}/postgres`;
    return {
      url,
      async stop() {
        clearInterval(sweep);
        await server.close();
        await db.close();
        makePrivate(dataDir);
        releaseLock();
      },
    };
  } catch (err) {
    releaseLock();
    throw err;
  }
}
