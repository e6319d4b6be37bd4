import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { freePort } from './main-process';

/**
 * A PostgreSQL cluster of the test's own (initdb + pg_ctl in a temp dir, on a free loopback port), so
 * a fault test may stop, kill and restart it without touching the shared server. The binaries refuse
 * to run as root, so as root they run as the `postgres` user (the temp dir is handed to it).
 */
const BIN = process.env.PG_BIN ?? '/usr/lib/postgresql/15/bin';

export interface PrivatePostgres {
  url: string;
  port: number;
  start(): void;
  /** `pg_ctl stop -m <mode>`: fast (disconnect clients, clean) or immediate (like a crash). */
  stop(mode: 'fast' | 'immediate'): void;
  /**
   * SIGSTOP (freeze) or SIGCONT (thaw) the postmaster and every backend: a database that stops answering
   * without closing its connections, as in a network partition.
   */
  signalAll(signal: 'SIGSTOP' | 'SIGCONT'): void;
  /** Stops it if running and removes its directory. */
  destroy(): void;
  /** Its data directory (a streaming replica takes its base backup from the running server instead). */
  dataDir: string;
  /** The postmaster's PID while it runs (from postmaster.pid), else null. */
  pid(): number | null;
}

export const privatePostgresAvailable = fs.existsSync(path.join(BIN, 'initdb'));

const asRoot = process.getuid?.() === 0;
const run = (cmd: string, args: string[]) =>
  execFileSync(asRoot ? 'runuser' : path.join(BIN, cmd), asRoot ? ['-u', 'postgres', '--', path.join(BIN, cmd), ...args] : args, { stdio: 'pipe', timeout: 60_000 });

async function scratchDir(prefix: string): Promise<{ dir: string; data: string; port: number }> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), prefix));
  if (asRoot) execFileSync('chown', ['-R', 'postgres:postgres', dir]);
  return { dir, data: path.join(dir, 'data'), port: await freePort() };
}

export async function startPrivatePostgres(): Promise<PrivatePostgres> {
  const { dir, data, port } = await scratchDir('flywheel-pg-');
  // initdb's defaults already allow streaming replication: wal_level=replica, max_wal_senders=10, and
  // pg_hba.conf's `host replication all 127.0.0.1/32 trust`.
  run('initdb', ['-D', data, '-U', 'postgres', '-A', 'trust', '--no-sync', '-E', 'UTF8']);
  return cluster(dir, data, port);
}

/**
 * A hot-standby streaming replica of a running private server: `pg_basebackup -R -X stream` into a
 * temp dir of its own (-R writes primary_conninfo and standby.signal), started on another free port.
 * `destroy()` stops only this server and removes only its directory.
 */
export async function startStreamingReplica(primary: PrivatePostgres): Promise<PrivatePostgres> {
  const { dir, data, port } = await scratchDir('flywheel-pg-replica-');
  run('pg_basebackup', ['-D', data, '-h', '127.0.0.1', '-p', String(primary.port), '-U', 'postgres', '-R', '-X', 'stream', '--no-sync', '-c', 'fast']);
  return cluster(dir, data, port);
}

function cluster(dir: string, data: string, port: number): PrivatePostgres {
  const opts = `-p ${port} -k ${dir} -c listen_addresses=127.0.0.1 -c fsync=off -c max_connections=100`;
  let running = false;
  const pg: PrivatePostgres = {
    url: `postgresql://postgres@127.0.0.1:${port}/postgres`,
    port,
    dataDir: data,
    pid() {
      try {
        return Number(fs.readFileSync(path.join(data, 'postmaster.pid'), 'utf8').split('\n')[0]) || null;
      } catch {
        return null;
      }
    },
    start() {
      run('pg_ctl', ['-D', data, '-o', opts, '-l', path.join(dir, 'log'), '-w', '-t', '60', 'start']);
      running = true;
    },
    stop(mode) {
      run('pg_ctl', ['-D', data, '-m', mode, '-w', '-t', '60', 'stop']);
      running = false;
    },
    signalAll(signal) {
      const postmaster = Number(fs.readFileSync(path.join(data, 'postmaster.pid'), 'utf8').split('\n')[0]);
      const children = execFileSync('pgrep', ['-P', String(postmaster)], { encoding: 'utf8' }).split('\n').filter(Boolean).map(Number);
      for (const pid of [postmaster, ...children]) process.kill(pid, signal);
    },
    destroy() {
      try {
        if (running) pg.signalAll('SIGCONT');
      } catch {
        /* not running */
      }
      try {
        if (running) pg.stop('immediate');
      } finally {
        fs.rmSync(dir, { recursive: true, force: true });
      }
    },
  };
  pg.start();
  return pg;
}
