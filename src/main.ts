import 'reflect-metadata';
import cluster from 'node:cluster';
import { startApp } from './app';
import { Config, ConfigError, loadConfig } from './config';

/**
 * `npm start`: the API (and, unless RUN_WORKER=false, the job handlers) in one process, or, with
 * HTTP_WORKERS=N, N API processes sharing the port: one Node process tops out at one core of
 * GraphQL work, and ingestion sits in other services' request paths.
 */
function readConfig(): Config {
  try {
    return loadConfig();
  } catch (err) {
    if (err instanceof ConfigError) {
      console.error(err.message);
      process.exit(2);
    }
    throw err;
  }
}

function onSignals(handler: (signal: string) => void): void {
  let signals = 0;
  for (const signal of ['SIGTERM', 'SIGINT'] as const) {
    process.on(signal, () => {
      if (++signals > 1) {
        console.error(`[flywheel] second ${signal}: exiting now`);
        process.exit(1);
      }
      handler(signal);
    });
  }
}

async function runServer(config: Config): Promise<void> {
  const app = await startApp(config);
  if (app.generatedAdminKey) {
    // Printed once: only its hash is stored. Lost it? Set ADMIN_API_KEY and restart.
    console.log(`\n  Admin API key (shown once, store it now):\n\n    ${app.generatedAdminKey}\n\n  Use it as: Authorization: Bearer <key>\n`);
  }
  onSignals((signal) => {
    console.log(`[flywheel] ${signal}: finishing in-flight work…`);
    setTimeout(() => {
      console.error('[flywheel] shutdown timed out; exiting');
      process.exit(1);
    }, config.shutdownTimeoutMs + 5000).unref();
    app.stop().then(
      () => {
        console.log('[flywheel] stopped');
        process.exit(0);
      },
      (err) => {
        console.error(`[flywheel] error during shutdown: ${(err as Error).message}`);
        process.exit(1);
      },
    );
  });
}

function runPrimary(config: Config): void {
  let stopping = false;
  let failed = false;
  const spawn = (index: number) => {
    // Only the first process handles jobs; the others serve HTTP only.
    const worker = cluster.fork({ FLYWHEEL_WORKER_INDEX: String(index), RUN_WORKER: index === 0 && config.runWorker ? 'true' : 'false' });
    let listening = false;
    worker.on('listening', () => (listening = true));
    worker.on('exit', (code) => {
      if (code !== 0) failed = true;
      if (!stopping && !listening) {
        // It never came up (bad database, port taken): restarting would loop; stop everything.
        stopping = true;
        console.error(`[flywheel] API process ${index} failed to start; stopping`);
        for (const w of Object.values(cluster.workers ?? {})) w?.process.kill('SIGTERM');
        if (Object.keys(cluster.workers ?? {}).length === 0) process.exit(1);
      } else if (!stopping) {
        console.error(`[flywheel] API process ${index} exited (${code}); restarting it`);
        setTimeout(() => spawn(index), 1000);
      } else if (Object.keys(cluster.workers ?? {}).length === 0) {
        console.log('[flywheel] stopped');
        process.exit(failed ? 1 : 0);
      }
    });
  };
  for (let i = 0; i < config.httpWorkers; i++) spawn(i);
  onSignals((signal) => {
    stopping = true;
    console.log(`[flywheel] ${signal}: stopping ${config.httpWorkers} API processes…`);
    for (const w of Object.values(cluster.workers ?? {})) w?.process.kill('SIGTERM');
  });
}

const config = readConfig();
if (config.httpWorkers > 1 && cluster.isPrimary) runPrimary(config);
else
  runServer(config).catch((err) => {
    console.error(`[flywheel] failed to start: ${(err as Error).message}`);
    process.exit(1);
  });
