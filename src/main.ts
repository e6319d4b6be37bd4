import 'reflect-metadata';
import cluster from 'node:cluster';
import { startApp } from './app';
import { Config, ConfigError, loadConfig } from './config';
import { createLogger, errorFields, Logger } from './logging';

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

function onSignals(logger: Logger, handler: (signal: string) => void): void {
  let signals = 0;
  for (const signal of ['SIGTERM', 'SIGINT'] as const) {
    process.on(signal, () => {
      if (++signals > 1) {
        logger.error({ signal }, 'second signal: exiting now');
        process.exit(1);
      }
      handler(signal);
    });
  }
}

async function runServer(config: Config, logger: Logger): Promise<void> {
  const app = await startApp(config, logger);
  if (app.generatedAdminKey) {
    // Printed once: only its hash is stored. Lost it? Set ADMIN_API_KEY and restart.
    console.log(`\n  Admin API key (shown once, store it now):\n\n    ${app.generatedAdminKey}\n\n  Use it as: Authorization: Bearer <key>\n`);
  }
  onSignals(logger, (signal) => {
    logger.info({ signal }, 'finishing in-flight work, then stopping');
    setTimeout(() => {
      logger.error({ timeoutMs: config.shutdownTimeoutMs + 5000 }, 'shutdown timed out; exiting');
      process.exit(1);
    }, config.shutdownTimeoutMs + 5000).unref();
    app.stop().then(
      () => {
        logger.info({ signal }, 'stopped');
        process.exit(0);
      },
      (err) => {
        logger.error(errorFields(err), 'error during shutdown');
        process.exit(1);
      },
    );
  });
}

function runPrimary(config: Config, logger: Logger): void {
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
        logger.error({ index, code }, 'API process failed to start; stopping');
        for (const w of Object.values(cluster.workers ?? {})) w?.process.kill('SIGTERM');
        if (Object.keys(cluster.workers ?? {}).length === 0) process.exit(1);
      } else if (!stopping) {
        logger.error({ index, code }, 'API process exited; restarting it');
        setTimeout(() => spawn(index), 1000);
      } else if (Object.keys(cluster.workers ?? {}).length === 0) {
        logger.info({ failed }, 'stopped');
        process.exit(failed ? 1 : 0);
      }
    });
  };
  for (let i = 0; i < config.httpWorkers; i++) spawn(i);
  onSignals(logger, (signal) => {
    stopping = true;
    logger.info({ signal, processes: config.httpWorkers }, 'stopping the API processes');
    for (const w of Object.values(cluster.workers ?? {})) w?.process.kill('SIGTERM');
  });
}

const config = readConfig();
const logger = createLogger(config.logLevel);
if (config.httpWorkers > 1 && cluster.isPrimary) runPrimary(config, logger);
else
  runServer(config, logger).catch((err) => {
    // A start failure's message is ours (a locked data dir, a bad URL) and says what to fix: keep it whole.
    logger.error({ ...errorFields(err), reason: (err as Error).message }, 'failed to start');
    process.exit(1);
  });
