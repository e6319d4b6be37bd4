import { Arg, Args, Authorized, Ctx, FieldResolver, ID, Mutation, Query, Resolver, Root } from 'type-graphql';
import type { AppContext } from '../context';
import type { PageResult } from '../schema/connection';
import { AuditEvent, AuditEventConnection, AuditLogArgs, DatasetErasure, EraseUserInput, EraseUserPayload } from '../schema/govern.types';
import { DatasetVersion as DatasetVersionType } from '../schema/dataset.types';
import type { DatasetVersionRow } from '../services/curate/dataset.service';
import { keyOf, toGlobalId } from '../schema/node';
import type { AuditEventRow } from '../services/govern/audit';

@Resolver(() => AuditEvent)
export class GovernResolver {
  @Authorized('admin')
  @Mutation(() => EraseUserPayload, {
    nullable: true,
    description:
      'Erase one end user everywhere, in one transaction: their log entries and everything tied to them (feedback, corrections, review items, ground truth, tags), and their examples in dataset versions (READY versions get rewritten files; each version records the erasure). Calling it again returns zeros unless new rows of the user arrived meanwhile.',
  })
  async eraseUser(@Arg('input', () => EraseUserInput, { description: 'The user.' }) input: EraseUserInput, @Ctx() ctx: AppContext): Promise<EraseUserPayload> {
    const r = await ctx.db.transaction((tx) => ctx.services.erasure.erase(tx, input.userId));
    return { counts: r.counts, datasetVersions: r.datasetVersions as unknown as DatasetVersionType[] };
  }

  @Authorized('admin')
  @Query(() => AuditEventConnection, { nullable: true, description: 'Admin and reviewer actions, newest first (kept AUDIT_RETENTION_DAYS).' })
  auditLog(@Args(() => AuditLogArgs) args: AuditLogArgs, @Ctx() ctx: AppContext): Promise<PageResult<AuditEventRow>> {
    const f = args.filter ?? {};
    return ctx.services.audit.list(
      ctx.db,
      { action: f.action ?? null, keyId: f.keyId == null ? null : keyOf(f.keyId, 'ApiKey', 'filter.keyId'), from: f.from ?? null, to: f.to ?? null },
      args,
    );
  }

  @FieldResolver(() => ID, { nullable: true, description: 'Global id of the ApiKey that acted.' })
  keyId(@Root() e: AuditEventRow): string | null {
    return e.apiKeyId ? toGlobalId('ApiKey', e.apiKeyId) : null;
  }

  @Authorized('admin')
  @Query(() => AuditEvent, { nullable: true, description: 'One audit event by global id; null if unknown (or pruned).' })
  async auditEvent(@Arg('id', () => ID, { description: 'The event’s global id.' }) id: string, @Ctx() ctx: AppContext): Promise<AuditEventRow | null> {
    return (await ctx.services.audit.byIds(ctx.db, [keyOf(id, 'AuditEvent', 'id')]))[0] ?? null;
  }
}

@Resolver(() => DatasetVersionType)
export class DatasetErasuresResolver {
  @FieldResolver(() => [DatasetErasure], { description: 'Erasures (eraseUser) that removed examples from this version after it was built, oldest first; its manifest lists them too.' })
  erasures(@Root() v: DatasetVersionRow): DatasetErasure[] {
    return (v.erasures ?? []).map((e) => ({ erasedAt: new Date(e.at), examples: e.examples }));
  }
}
