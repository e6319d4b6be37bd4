import { isUuid } from '../db/sql';
import { WEBHOOK_DELIVERY_JOB, WebhookService } from '../services/decide/webhook.service';
import type { JobDefinition } from './job-queue';

/**
 * POSTs one webhook delivery. pg-boss retries a failed attempt with exponential backoff from
 * WEBHOOK_RETRY_DELAY_SECONDS; the delivery row counts attempts and turns FAILED at the last one.
 */
export function webhookDeliveryJob(webhooks: WebhookService, opts: { retryDelaySeconds: number; maxAttempts: number }): JobDefinition<{ deliveryId: string }> {
  return {
    name: WEBHOOK_DELIVERY_JOB,
    parse(data) {
      const id = (data as { deliveryId?: unknown } | null)?.deliveryId;
      if (typeof id !== 'string' || !isUuid(id)) throw new TypeError('webhook-delivery payload: deliveryId: must be a uuid');
      return { deliveryId: id };
    },
    // As many retries as attempts: the last attempt records FAILED instead of throwing, so one is spare.
    retryLimit: opts.maxAttempts,
    retryDelay: opts.retryDelaySeconds,
    expireInSeconds: 60,
    async handle(payload, ctx) {
      return webhooks.deliver(ctx.db, payload.deliveryId);
    },
  };
}
