import { spawn } from 'node:child_process';
import path from 'node:path';

/**
 * `node dist/src/worker.js` as `npm run worker` runs it: job handlers only, against the DATABASE_URL the
 * test gives. Resolves once it prints that it handles jobs.
 */
const REPO_ROOT = path.resolve(__dirname, '../../..');
const READY_TIMEOUT_MS = 60_000;

export interface WorkerProcess {
  pid: number;
  alive(): boolean;
  output(): string;
  /** SIGKILL by PID, as a crash would; resolves when it has exited. */
  kill(): Promise<void>;
  /** SIGTERM by PID (SIGKILL after 30 s). */
  stop(): Promise<void>;
}

export async function startWorker(extraEnv: NodeJS.ProcessEnv): Promise<WorkerProcess> {
  const env: NodeJS.ProcessEnv = { ...process.env, NODE_ENV: 'production', ...extraEnv };
  const child = spawn(process.execPath, ['dist/src/worker.js'], { cwd: REPO_ROOT, env, stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  child.stdout!.on('data', (b: Buffer) => (output += b.toString()));
  child.stderr!.on('data', (b: Buffer) => (output += b.toString()));
  const alive = () => child.exitCode === null && child.signalCode === null;
  const exited = () => new Promise<void>((resolve) => (alive() ? child.once('exit', () => resolve()) : resolve()));
  const signal = async (sig: NodeJS.Signals, graceMs: number) => {
    if (!alive() || child.pid === undefined) return;
    const done = exited();
    process.kill(child.pid, sig);
    const timer = setTimeout(() => alive() && child.pid !== undefined && process.kill(child.pid, 'SIGKILL'), graceMs);
    await done;
    clearTimeout(timer);
  };
  const deadline = Date.now() + READY_TIMEOUT_MS;
  while (!output.includes('handling jobs')) {
    if (!alive()) throw new Error(`worker exited (${child.exitCode ?? child.signalCode}) before it was ready:\n${output}`);
    if (Date.now() > deadline) {
      await signal('SIGKILL', 0);
      throw new Error(`worker not ready after ${READY_TIMEOUT_MS / 1000} s:\n${output}`);
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  return { pid: child.pid!, alive, output: () => output, kill: () => signal('SIGKILL', 0), stop: () => signal('SIGTERM', 30_000) };
}
