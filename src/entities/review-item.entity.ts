import { Check, Column, CreateDateColumn, Entity, Index, PrimaryColumn, UpdateDateColumn } from 'typeorm';

/** An entry waiting for (or done with) human review, and who holds it. */
@Entity({ name: 'review_item' })
@Check('review_item_status_ck', "status IN ('OPEN', 'DONE')")
export class ReviewItem {
  @PrimaryColumn({ name: 'request_id', type: 'text' })
  requestId: string;

  /** 0 user_negative, 1 drift_window, 2 low_confidence, 3 other review tags. */
  // The queue's order index is an expression index (see the api-contract migration), which TypeORM
  // cannot describe; declared here so the schema builder leaves it alone.
  @Index('review_item_queue_order_idx', { synchronize: false })
  @Column({ type: 'smallint' })
  priority: number;

  /** The tag that gives the priority. */
  @Column({ type: 'text' })
  reason: string;

  @Column({ type: 'timestamptz', nullable: true })
  ts: Date | null;

  /** OPEN | DONE */
  @Column({ type: 'text', default: 'OPEN' })
  status: string;

  @Column({ name: 'claimed_by', type: 'text', nullable: true })
  claimedBy: string | null;

  @Column({ name: 'lease_expires_at', type: 'timestamptz', nullable: true })
  leaseExpiresAt: Date | null;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt: Date;

  @UpdateDateColumn({ name: 'updated_at', type: 'timestamptz' })
  updatedAt: Date;
}
