import { execFile } from 'node:child_process';
import path from 'node:path';

const REPO_ROOT = path.resolve(__dirname, '../../..');

/** Runs a command in the repository as a CI step would (a clean environment plus `env`); never rejects. */
export function runCli(cmd: string, args: string[], env: Record<string, string>): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(cmd, args, { cwd: REPO_ROOT, env: { PATH: process.env.PATH!, HOME: process.env.HOME ?? '/tmp', ...env } }, (err, stdout, stderr) => {
      resolve({ code: err ? ((err as { code?: number }).code ?? 1) : 0, stdout, stderr });
    });
  });
}

/** `node bin/flywheel.js …`. */
export const runFlywheel = (args: string[], env: Record<string, string>) => runCli(process.execPath, ['bin/flywheel.js', ...args], env);
