import { Column, Entity, Index, PrimaryGeneratedColumn } from 'typeorm';

/**
 * One admin or reviewer action, written in the action's own transaction (src/services/govern/audit.ts).
 * Append-only: triggers refuse UPDATE, TRUNCATE, and DELETE except by the audit-retention job.
 */
@Entity({ name: 'audit_event' })
@Index('audit_event_at_idx', ['at', 'id'])
@Index('audit_event_action_idx', ['action', 'at', 'id'])
@Index('audit_event_key_idx', ['apiKeyId', 'at', 'id'])
export class AuditEvent {
  @PrimaryGeneratedColumn('uuid', { primaryKeyConstraintName: 'audit_event_pk' })
  id: string;

  /** The action's transaction time. */
  @Column({ type: 'timestamptz', default: () => 'now()' })
  at: Date;

  /** The key that acted (null only for the bootstrap ADMIN_API_KEY when it has no row). */
  @Column({ name: 'api_key_id', type: 'uuid', nullable: true })
  apiKeyId: string | null;

  /** The key's name (or the identity an ADMIN acted on behalf of). */
  @Column({ type: 'text' })
  actor: string;

  /** The mutation's name, e.g. `revokeApiKey`. */
  @Column({ type: 'text' })
  action: string;

  /** Global id of the object acted on; null when there is none (eraseUser: the user is not stored). */
  @Column({ type: 'text', nullable: true })
  target: string | null;

  /** The request's `extensions.requestId` / `x-request-id`. */
  @Column({ name: 'request_id', type: 'text' })
  requestId: string;

  /** Small facts about the action (counts, tag names); never user data. */
  @Column({ type: 'jsonb', nullable: true })
  details: Record<string, unknown> | null;
}
