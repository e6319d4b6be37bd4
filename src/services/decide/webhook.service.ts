import crypto from 'node:crypto';
import { EntityManager } from 'typeorm';
import type { Config } from '../../config';
import { isUuid, queryRows } from '../../db/sql';
import { badInput, FlywheelError, InputProblem } from '../../errors';
import type { JobQueue } from '../../jobs/job-queue';
import type { PageResult } from '../../schema/connection';
import { httpUrlProblem } from '../input-rules';
import { Keyset, PageArgs } from '../paging/keyset';

export const WEBHOOK_EVENTS = ['RETRAIN_DECIDED', 'PROMOTED', 'ROLLED_BACK'] as const;
export type WebhookEvent = (typeof WEBHOOK_EVENTS)[number];
export const WEBHOOK_DELIVERY_JOB = 'webhook-delivery';
const TIMEOUT_MS = 10_000;

export interface WebhookRow {
  id: string;
  url: string;
  events: WebhookEvent[];
  description: string | null;
  enabled: boolean;
  createdBy: string;
  createdAt: Date;
}

export interface WebhookDeliveryRow {
  id: string;
  webhookId: string;
  event: WebhookEvent;
  payload: Record<string, unknown>;
  status: 'PENDING' | 'DELIVERED' | 'FAILED';
  attempts: number;
  lastStatusCode: number | null;
  lastError: string | null;
  createdAt: Date;
  deliveredAt: Date | null;
}

export const WEBHOOK_COLUMNS = `w.id, w.url, w.events, w.description, w.enabled, w.created_by AS "createdBy", w.created_at AS "createdAt"`;
export const DELIVERY_COLUMNS = `x.id, x.webhook_id AS "webhookId", x.event, x.payload, x.status, x.attempts, x.last_status_code AS "lastStatusCode",
  x.last_error AS "lastError", x.created_at AS "createdAt", x.delivered_at AS "deliveredAt"`;
const WEBHOOKS_KEYSET = new Keyset('webhooks', [
  { expr: 'w.created_at', dir: 'ASC', type: 'timestamptz' },
  { expr: 'w.id', dir: 'ASC', type: 'uuid' },
]);
const DELIVERIES_KEYSET = new Keyset('webhookDeliveries', [
  { expr: 'x.created_at', dir: 'DESC', type: 'timestamptz' },
  { expr: 'x.id', dir: 'DESC', type: 'uuid' },
]);

/**
 * Signed POSTs to admin-managed URLs when the loop decides something: a RETRAIN that built a dataset
 * version, a promotion, a rollback. `emit` writes one delivery per subscribed webhook and enqueues its
 * job in the caller's transaction; the job POSTs with retries and records every attempt.
 *
 * Signature: `X-Flywheel-Signature: sha256=<hex HMAC-SHA256(secret, "<X-Flywheel-Timestamp>.<body>")>`
 * (the Stripe scheme: the timestamp in the signed text lets the receiver refuse replays).
 */
export class WebhookService {
  constructor(
    private readonly config: Config,
    private readonly jobs: JobQueue,
  ) {}

  async create(tx: EntityManager, input: { url: string; events: WebhookEvent[]; description?: string | null }, by: string): Promise<{ webhook: WebhookRow; secret: string }> {
    this.check(input);
    const secret = `whsec_${crypto.randomBytes(32).toString('base64url')}`;
    const [webhook]: WebhookRow[] = await tx.query(
      `INSERT INTO webhook AS w (url, events, secret, description, created_by) VALUES ($1, $2, $3, $4, $5) RETURNING ${WEBHOOK_COLUMNS}`,
      [input.url, [...new Set(input.events)].sort(), secret, input.description ?? null, by],
    );
    return { webhook, secret };
  }

  async update(tx: EntityManager, id: string, input: { url?: string | null; events?: WebhookEvent[] | null; description?: string | null; enabled?: boolean | null }): Promise<WebhookRow> {
    const [current] = await this.byIds(tx, [id]);
    if (!current) throw new FlywheelError('NOT_FOUND', 'No webhook with this id');
    const next = { url: input.url ?? current.url, events: input.events ?? current.events };
    this.check(next);
    const [row] = await queryRows<WebhookRow>(
      tx,
      `UPDATE webhook w SET url = $2, events = $3, description = coalesce($4, description), enabled = coalesce($5, enabled) WHERE w.id = $1 RETURNING ${WEBHOOK_COLUMNS}`,
      [id, next.url, [...new Set(next.events)].sort(), input.description ?? null, input.enabled ?? null],
    );
    return row;
  }

  /** Its delivery log stays (deliveries still pending are dropped by their job). */
  async remove(tx: EntityManager, id: string): Promise<WebhookRow> {
    const rows = isUuid(id) ? await queryRows<WebhookRow>(tx, `DELETE FROM webhook w WHERE w.id = $1 RETURNING ${WEBHOOK_COLUMNS}`, [id]) : [];
    if (!rows.length) throw new FlywheelError('NOT_FOUND', 'No webhook with this id');
    return rows[0];
  }

  byIds(db: EntityManager, ids: string[]): Promise<WebhookRow[]> {
    return db.query(`SELECT ${WEBHOOK_COLUMNS} FROM webhook w WHERE w.id = ANY ($1::uuid[])`, [ids.filter(isUuid)]);
  }

  list(db: EntityManager, page: PageArgs): Promise<PageResult<WebhookRow>> {
    return WEBHOOKS_KEYSET.fetch<WebhookRow>(db, page, this.config.maxPageSize, { columns: WEBHOOK_COLUMNS, from: 'webhook w', filter: [], params: [] });
  }

  deliveriesByIds(db: EntityManager, ids: string[]): Promise<WebhookDeliveryRow[]> {
    return db.query(`SELECT ${DELIVERY_COLUMNS} FROM webhook_delivery x WHERE x.id = ANY ($1::uuid[])`, [ids.filter(isUuid)]);
  }

  deliveries(db: EntityManager, webhookId: string, page: PageArgs): Promise<PageResult<WebhookDeliveryRow>> {
    return DELIVERIES_KEYSET.fetch<WebhookDeliveryRow>(db, page, this.config.maxPageSize, {
      columns: DELIVERY_COLUMNS,
      from: 'webhook_delivery x',
      filter: ['x.webhook_id = $1'],
      params: [isUuid(webhookId) ? webhookId : null],
    });
  }

  /** One delivery (and its job) per enabled webhook subscribed to `event`, in the caller's transaction. */
  async emit(tx: EntityManager, event: WebhookEvent, data: Record<string, unknown>): Promise<number> {
    const rows: { id: string }[] = await tx.query(
      `INSERT INTO webhook_delivery (webhook_id, event, payload)
       SELECT w.id, $1, $2 FROM webhook w WHERE w.enabled AND $1 = ANY (w.events) RETURNING id`,
      [event, JSON.stringify({ event, occurredAt: new Date().toISOString(), data })],
    );
    for (const r of rows) await this.jobs.send(WEBHOOK_DELIVERY_JOB, { deliveryId: r.id }, tx);
    return rows.length;
  }

  /**
   * One attempt. Delivered (2xx) → DELIVERED; otherwise the attempt is recorded and the job retries
   * (the error is thrown) until WEBHOOK_MAX_ATTEMPTS (default 9: with the backoff doubling from 10 s, the last is ~42 min after the first), when the delivery is FAILED. A delivery already
   * final, or whose webhook is gone or disabled, is left as it is: reruns are harmless.
   */
  async deliver(db: EntityManager, deliveryId: string): Promise<{ status: string; attempts: number; statusCode?: number }> {
    const [d]: (WebhookDeliveryRow & { url: string | null; secret: string | null; enabled: boolean | null })[] = await db.query(
      `SELECT ${DELIVERY_COLUMNS}, w.url, w.secret, w.enabled FROM webhook_delivery x LEFT JOIN webhook w ON w.id = x.webhook_id WHERE x.id = $1`,
      [deliveryId],
    );
    if (!d || d.status !== 'PENDING') return { status: d?.status ?? 'GONE', attempts: d?.attempts ?? 0 };
    if (!d.url || !d.secret || !d.enabled) {
      await db.query(`UPDATE webhook_delivery SET status = 'FAILED', last_error = 'the webhook was deleted or disabled' WHERE id = $1`, [deliveryId]);
      return { status: 'FAILED', attempts: d.attempts };
    }
    // The attempt is counted before the POST: a worker killed mid-POST (the receiver may have seen it)
    // still used one, so crashes cannot leave a delivery PENDING after pg-boss's retries are spent.
    const [{ attempts }] = await queryRows<{ attempts: number }>(db, `UPDATE webhook_delivery SET attempts = attempts + 1 WHERE id = $1 RETURNING attempts`, [deliveryId]);
    if (attempts > this.config.webhookMaxAttempts) {
      await db.query(`UPDATE webhook_delivery SET status = 'FAILED', attempts = $2, last_error = coalesce(last_error, 'attempts used up by interrupted deliveries') WHERE id = $1`, [
        deliveryId,
        this.config.webhookMaxAttempts,
      ]);
      return { status: 'FAILED', attempts: this.config.webhookMaxAttempts };
    }
    const body = JSON.stringify({ ...d.payload, deliveryId: d.id });
    const timestamp = String(Math.floor(Date.now() / 1000));
    const signature = crypto.createHmac('sha256', d.secret).update(`${timestamp}.${body}`).digest('hex');
    let statusCode: number | null = null;
    let error: string | null = null;
    try {
      const res = await fetch(d.url, {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          'user-agent': 'Flywheel-Webhook/1',
          'x-flywheel-event': d.event,
          'x-flywheel-delivery': d.id,
          'x-flywheel-timestamp': timestamp,
          'x-flywheel-signature': `sha256=${signature}`,
        },
        body,
        redirect: 'manual',
        signal: AbortSignal.timeout(TIMEOUT_MS),
      });
      statusCode = res.status;
      await res.arrayBuffer().catch(() => undefined);
      if (res.status < 200 || res.status >= 300) error = `HTTP ${res.status}`;
    } catch (err) {
      const e = err as Error & { cause?: { code?: string; message?: string } };
      error = (e.name === 'TimeoutError' ? `no answer within ${TIMEOUT_MS / 1000} s` : (e.cause?.code ?? e.cause?.message ?? e.message)) || 'request failed';
    }
    const status = error === null ? 'DELIVERED' : attempts >= this.config.webhookMaxAttempts ? 'FAILED' : 'PENDING';
    await db.query(
      `UPDATE webhook_delivery SET status = $2, last_status_code = $3, last_error = $4,
         delivered_at = CASE WHEN $2 = 'DELIVERED' THEN now() ELSE delivered_at END WHERE id = $1`,
      [deliveryId, status, statusCode, error],
    );
    if (status === 'PENDING') throw new Error(`webhook delivery ${deliveryId}: attempt ${attempts} failed (${error}); retrying`);
    return { status, attempts, ...(statusCode !== null ? { statusCode } : {}) };
  }

  private check(input: { url: string; events: readonly string[] }): void {
    const problems: InputProblem[] = [];
    const urlProblem = httpUrlProblem('url', input.url);
    if (urlProblem) problems.push(urlProblem);
    if (input.events.length === 0) problems.push({ field: 'events', message: `give at least one of ${WEBHOOK_EVENTS.join(', ')}` });
    if (problems.length) throw badInput(problems);
  }
}
