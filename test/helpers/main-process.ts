import { ChildProcess, spawn } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';

/**
 * `node dist/src/main.js` as `npm start` runs it (NODE_ENV=production, embedded database in a fresh
 * DATA_DIR, no DATABASE_URL unless the test gives one): for the tests whose subject is the real
 * process (its start-up defaults, the admin key printed once, surviving its database).
 */

const REPO_ROOT = path.resolve(__dirname, '../../..');
const READY_TIMEOUT_MS = 90_000;

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = net.createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address() as net.AddressInfo;
      s.close(() => resolve(port));
    });
  });
}

function exited(child: ChildProcess): Promise<void> {
  return new Promise((resolve) => {
    if (child.exitCode !== null || child.signalCode !== null) resolve();
    else child.once('exit', () => resolve());
  });
}

export interface MainProcess {
  base: string;
  pid: number;
  /** True while the process runs. */
  alive(): boolean;
  dataDir: string;
  /** Everything it printed so far (stdout and stderr). */
  output(): string;
  /** SIGTERM by PID (SIGKILL after 30 s), then the data dir is removed. */
  stop(): Promise<void>;
}

/** Starts the production entry point on a free loopback port and waits until /readyz is 200. */
export async function startMain(extraEnv: NodeJS.ProcessEnv = {}, prefix = 'flywheel-main-'): Promise<MainProcess> {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), prefix));
  const port = await freePort();
  const env: NodeJS.ProcessEnv = { ...process.env, NODE_ENV: 'production', PORT: String(port), HOST: '127.0.0.1', DATA_DIR: dataDir };
  // The zero-setup start unless the test names a database: a DATABASE_URL from the test run would switch it off.
  delete env.DATABASE_URL;
  Object.assign(env, extraEnv);
  for (const [k, v] of Object.entries(extraEnv)) if (v === undefined) delete env[k];
  const child = spawn(process.execPath, ['dist/src/main.js'], { cwd: REPO_ROOT, env, stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  child.stdout!.on('data', (b: Buffer) => (output += b.toString()));
  child.stderr!.on('data', (b: Buffer) => (output += b.toString()));
  const base = `http://127.0.0.1:${port}`;
  const stop = async () => {
    if (child.pid !== undefined && child.exitCode === null && child.signalCode === null) {
      const done = exited(child);
      process.kill(child.pid, 'SIGTERM');
      const timer = setTimeout(() => child.pid !== undefined && child.exitCode === null && process.kill(child.pid, 'SIGKILL'), 30_000);
      await done;
      clearTimeout(timer);
    }
    fs.rmSync(dataDir, { recursive: true, force: true });
  };
  const deadline = Date.now() + READY_TIMEOUT_MS;
  for (;;) {
    if (child.exitCode !== null || child.signalCode !== null) {
      await stop();
      throw new Error(`node dist/src/main.js exited (${child.exitCode ?? child.signalCode}) before it was ready:\n${output}`);
    }
    const status = await fetch(`${base}/readyz`).then(
      (r) => r.status,
      () => 0,
    );
    if (status === 200) break;
    if (Date.now() > deadline) {
      await stop();
      throw new Error(`/readyz not 200 after ${READY_TIMEOUT_MS / 1000} s (last: ${status}):\n${output}`);
    }
    await new Promise((r) => setTimeout(r, 250));
  }
  return { base, pid: child.pid!, alive: () => child.exitCode === null && child.signalCode === null, dataDir, output: () => output, stop };
}
