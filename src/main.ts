import 'reflect-metadata';
import { startApp } from './app';
import { ConfigError, loadConfig } from './config';

/** `npm start`: the API (and, unless RUN_WORKER=false, the job handlers) in one process. */
async function main(): Promise<void> {
  let config;
  try {
    config = loadConfig();
  } catch (err) {
    if (err instanceof ConfigError) {
      console.error(err.message);
      process.exit(2);
    }
    throw err;
  }
  const app = await startApp(config);
  if (app.generatedAdminKey) {
    // Printed once: only its hash is stored. Lost it? Set ADMIN_API_KEY and restart.
    console.log(`\n  Admin API key (shown once, store it now):\n\n    ${app.generatedAdminKey}\n\n  Use it as: Authorization: Bearer <key>\n`);
  }
  let signals = 0;
  const shutdown = (signal: string) => {
    if (++signals > 1) {
      console.error(`[flywheel] second ${signal}: exiting now`);
      process.exit(1);
    }
    console.log(`[flywheel] ${signal}: finishing in-flight work…`);
    const timer = setTimeout(() => {
      console.error('[flywheel] shutdown timed out; exiting');
      process.exit(1);
    }, config.shutdownTimeoutMs + 5000);
    timer.unref();
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
  };
  process.on('SIGTERM', () => shutdown('SIGTERM'));
  process.on('SIGINT', () => shutdown('SIGINT'));
}

main().catch((err) => {
  console.error(`[flywheel] failed to start: ${(err as Error).message}`);
  process.exit(1);
});
