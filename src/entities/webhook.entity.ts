import { Check, Column, CreateDateColumn, Entity, Index, PrimaryGeneratedColumn } from 'typeorm';

/** A URL that receives signed POSTs for the event types it subscribes to. */
@Entity({ name: 'webhook' })
export class Webhook {
  @PrimaryGeneratedColumn('uuid', { primaryKeyConstraintName: 'webhook_pk' })
  id: string;

  @Column({ type: 'text' })
  url: string;

  /** RETRAIN_DECIDED, PROMOTED, ROLLED_BACK. */
  @Column({ type: 'text', array: true })
  events: string[];

  /** The HMAC key for X-Flywheel-Signature (shown once, at creation). */
  @Column({ type: 'text' })
  secret: string;

  @Column({ type: 'text', nullable: true })
  description: string | null;

  @Column({ type: 'boolean', default: true })
  enabled: boolean;

  @Column({ name: 'created_by', type: 'text' })
  createdBy: string;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt: Date;
}

/** One event for one webhook, and how its delivery went. */
@Entity({ name: 'webhook_delivery' })
@Index('webhook_delivery_hook_idx', ['webhookId', 'createdAt', 'id'])
@Check('webhook_delivery_status_ck', "status IN ('PENDING', 'DELIVERED', 'FAILED')")
export class WebhookDelivery {
  @PrimaryGeneratedColumn('uuid', { primaryKeyConstraintName: 'webhook_delivery_pk' })
  id: string;

  @Column({ name: 'webhook_id', type: 'uuid' })
  webhookId: string;

  @Column({ type: 'text' })
  event: string;

  @Column({ type: 'jsonb' })
  payload: Record<string, unknown>;

  @Column({ type: 'text', default: 'PENDING' })
  status: string;

  @Column({ type: 'integer', default: 0 })
  attempts: number;

  @Column({ name: 'last_status_code', type: 'integer', nullable: true })
  lastStatusCode: number | null;

  @Column({ name: 'last_error', type: 'text', nullable: true })
  lastError: string | null;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt: Date;

  @Column({ name: 'delivered_at', type: 'timestamptz', nullable: true })
  deliveredAt: Date | null;
}
