import type { Logger } from '../logging';
import { errorFields } from '../logging';

/**
 * Asks the database `SELECT 1` every few seconds, for the `flywheel_database_up` gauge and for one log
 * line per change ("unavailable" once when it goes, "available again" once when it returns) instead
 * of one error line per failed request during an outage.
 */
export class DatabaseProbe {
  private upNow = true;
  private timer: NodeJS.Timeout | undefined;
  private running = false;

  constructor(
    private readonly query: () => Promise<unknown>,
    private readonly logger: Logger,
    private readonly intervalMs = 5000,
  ) {}

  get up(): boolean {
    return this.upNow;
  }

  /** Records the outcome of any database call (a probe, /readyz); logs transitions only. */
  report(ok: boolean, err?: unknown): void {
    if (ok === this.upNow) return;
    this.upNow = ok;
    if (ok) this.logger.info({ database: 'up' }, 'database available again');
    else this.logger.error({ database: 'down', ...errorFields(err) }, 'database unavailable');
  }

  start(): void {
    this.timer = setInterval(() => void this.probe(), this.intervalMs);
    this.timer.unref();
  }

  stop(): void {
    clearInterval(this.timer);
  }

  async probe(): Promise<boolean> {
    if (this.running) return this.upNow;
    this.running = true;
    try {
      await this.query();
      this.report(true);
    } catch (err) {
      this.report(false, err);
    } finally {
      this.running = false;
    }
    return this.upNow;
  }
}
