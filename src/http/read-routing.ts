import type { ApolloServerPlugin } from '@apollo/server';
import type { AppContext } from '../context';
import type { ReadReplica } from '../db/read-replica';
import { createLoaders } from '../loaders';

/**
 * Root query fields that are dashboard reads — lists, aggregates and time series — and may be served by
 * the read replica (seconds behind at worst, DATABASE_READ_MAX_LAG_MS). Listed in README ("Read replica").
 *
 * Not here, so on the primary: every mutation (its reads and its payload), `node`/`nodes` and the by-id
 * lookups (`logEntry`, `datasetVersion`, `job`, `modelLine`) — what a client refetches right after a
 * write —, `viewer` and `apiKeys` (a revoked key must show as revoked at once), `promotionDecision` and
 * `retrainReadiness` (they preview a decision the primary then records), and `jobs` (pg-boss's own pool).
 */
export const REPLICA_ROOT_FIELDS: ReadonlySet<string> = new Set([
  'logEntries',
  'ingestStats',
  'tagCounts',
  'reviewQueue',
  'reviewStats',
  'labelConflicts',
  'driftEvents',
  'groundTruthAccuracy',
  'datasetVersions',
  'retrainPolicies',
  'retrainDecisions',
  'modelLines',
  'trainingRuns',
  'deployments',
  'evalGates',
  'webhooks',
]);

/**
 * Decides per operation, before execution, where its reads go: a query whose root fields are all in
 * REPLICA_ROOT_FIELDS (introspection fields aside) reads from the replica — its resolvers' `ctx.readDb`
 * and every DataLoader of the request, so nested connections come from the same server as their page.
 * Anything else keeps `readDb` = the primary: one operation never mixes two servers' views.
 */
export function readRoutingPlugin(replica: ReadReplica | undefined): ApolloServerPlugin<AppContext> {
  return {
    async requestDidStart() {
      if (!replica) return {};
      return {
        async didResolveOperation(rc) {
          const op = rc.operation;
          if (!op || op.operation !== 'query') return;
          let dashboard = 0;
          for (const s of op.selectionSet.selections) {
            if (s.kind !== 'Field') return; // a fragment at the root: not worth resolving, stay on the primary
            if (s.name.value.startsWith('__')) continue;
            if (!REPLICA_ROOT_FIELDS.has(s.name.value)) return;
            dashboard++;
          }
          if (dashboard === 0) return;
          const readDb = replica.forRequest();
          rc.contextValue.readDb = readDb;
          rc.contextValue.loaders = createLoaders(readDb);
        },
      };
    },
  };
}
