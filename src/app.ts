import 'reflect-metadata';
import http from 'node:http';
import { AddressInfo } from 'node:net';
import { ApolloServer, ApolloServerPlugin } from '@apollo/server';
import pg from 'pg';
import { ApolloServerPluginCacheControlDisabled, ApolloServerPluginLandingPageDisabled } from '@apollo/server/plugin/disabled';
import crypto from 'node:crypto';
import { ApolloServerPluginDrainHttpServer } from '@apollo/server/plugin/drainHttpServer';
import { GraphQLSchema } from 'graphql';
import { buildSchema } from 'type-graphql';
import { authChecker } from './auth-checker';
import type { Config } from './config';
import type { AppContext, AppServices } from './context';
import { graphqlHandler, HttpError } from './http/graphql-handler';
import { Cors } from './http/cors';
import { datasetDownloads, EXPORTS_PREFIX } from './http/dataset-downloads';
import { GRAPHIQL_ASSET_PREFIX, serveIdeAsset, serveIdePage, wantsHtml } from './http/graphiql';
import { errorContractPlugin, formatError } from './http/graphql-errors';
import { databaseUnavailableError, httpErrorBody, isDatabaseUnavailable } from './errors';
import { DateTime } from './schema/scalars';
import { Database, JOB_POOL_SIZE, migrationsApplied, openDatabase } from './db/database';
import { startJobs } from './jobs';
import { JobQueue } from './jobs/job-queue';
import { ProfileCache } from './services/ingest/ood-profile';
import { createMetrics, Metrics } from './metrics';
import { RESOLVERS } from './resolvers';
import { ApiKeyService } from './services/api-key.service';
import { loadOrCreateHmacKey } from './services/embedded-secrets';
import { GroupCommitter } from './services/ingest/group-commit';
import { IngestService } from './services/ingest/ingest.service';
import { IngestStatsService } from './services/ingest-stats.service';
import { LogQueryService } from './services/log-query.service';
import { createLoaders } from './loaders';
import { CorrectionService } from './services/correction.service';
import { DriftService } from './services/drift.service';
import { createCurateDecideServices } from './services/decide';
import { FeedbackService } from './services/feedback.service';
import { ReviewService } from './services/review.service';
import { TagService } from './services/tag.service';
import { UserIdHasher } from './services/user-id-hasher';

export interface Logger {
  info(msg: string): void;
  error(msg: string): void;
}

const consoleLogger: Logger = {
  info: (m) => console.log(`[flywheel] ${m}`),
  error: (m) => console.error(`[flywheel] ${m}`),
};

export interface App {
  url: string;
  port: number;
  database: Database;
  services: AppServices;
  /** Set when this start created the bootstrap admin key (shown once). */
  generatedAdminKey: string | null;
  stop(): Promise<void>;
}

export function buildFlywheelSchema(emitSchemaFile?: string): Promise<GraphQLSchema> {
  return buildSchema({
    resolvers: RESOLVERS,
    authChecker,
    scalarsMap: [{ type: Date, scalar: DateTime }],
    // Input checks live in the services, where batch items are reported by index and the hot path
    // avoids class-validator's per-object cost.
    validate: false,
    emitSchemaFile: emitSchemaFile ? { path: emitSchemaFile, sortedSchema: true } : false,
  });
}

/** Prometheus labels must stay bounded: label by the schema's root fields, never by client-chosen names. */
function metricsPlugin(metrics: Metrics): ApolloServerPlugin<AppContext> {
  return {
    async requestDidStart() {
      const start = process.hrtime.bigint();
      let operation = 'unknown';
      return {
        async didResolveOperation(rc) {
          if (!rc.operation) return;
          const fields = rc.operation.selectionSet.selections
            .map((s) => (s.kind === 'Field' ? s.name.value : '…'))
            .sort()
            .join(',');
          operation = `${rc.operation.operation} ${fields}`.slice(0, 120);
        },
        async willSendResponse(rc) {
          const seconds = Number(process.hrtime.bigint() - start) / 1e9;
          const body = rc.response.body;
          const failed = body.kind === 'single' && (body.singleResult.errors?.length ?? 0) > 0;
          metrics.httpRequests.inc({ route: '/graphql', operation, status: failed ? 'error' : 'ok' });
          metrics.httpDuration.observe({ route: '/graphql', operation }, seconds);
        },
      };
    },
  };
}

export async function startApp(config: Config, logger: Logger = consoleLogger): Promise<App> {
  const metrics = createMetrics();
  const database = await openDatabase({
    databaseUrl: config.databaseUrl,
    dataDir: config.dataDir,
    poolSize: config.dbPoolSize,
    onQuery: () => metrics.dbStatements.inc(),
  });
  let jobs: JobQueue | undefined;
  let apollo: ApolloServer<AppContext> | undefined;
  try {
    const db = database.dataSource.manager;
    const hmacKey = config.userIdHmacKey ?? loadOrCreateHmacKey(config.dataDir);
    const ingestPool = new pg.Pool({ connectionString: database.url, max: config.ingestMaxConcurrentFlushes, application_name: 'flywheel-ingest' });
    // An idle client's "terminating connection due to administrator command" (a database restart) is
    // emitted on the pool; unhandled, it ended the process. The pool drops that client and reconnects.
    ingestPool.on('error', (err) => logger.error(`ingest pool: ${err.message}`));
    const committer = new GroupCommitter(ingestPool, {
      maxGroupRows: config.ingestMaxGroupRows,
      maxConcurrentFlushes: config.ingestMaxConcurrentFlushes,
      prepared: !database.embedded,
      reviewTags: config.reviewTags,
      onFlush: (rows) => metrics.commitGroupSize.observe(rows),
    });
    jobs = new JobQueue(database.url, db, { poolSize: JOB_POOL_SIZE, onError: (e) => logger.error(`jobs: ${e.message}`) });
    const hasher = new UserIdHasher(hmacKey);
    const profiles = new ProfileCache();
    await profiles.reload(db);
    profiles.start(db, config.autoFlag.oodProfileReloadSeconds * 1000, (e) => logger.error(`profiles: ${e.message}`));
    const tags = new TagService(config);
    const services: AppServices = {
      config,
      metrics,
      ingest: new IngestService(config, hasher, committer, metrics, profiles),
      logQuery: new LogQueryService(config),
      ingestStats: new IngestStatsService(),
      apiKeys: new ApiKeyService(config.apiKeyCacheSeconds * 1000),
      jobs,
      tags,
      feedback: new FeedbackService(config, hasher, tags, metrics),
      drift: new DriftService(config, jobs),
      review: new ReviewService(config),
      corrections: new CorrectionService(config),
      ...createCurateDecideServices(config, jobs, tags),
    };

    const generatedAdminKey = await services.apiKeys.bootstrap(db, config.adminApiKey);

    await startJobs(jobs, { config, metrics, drift: services.drift, retrain: services.retrain, webhooks: services.webhooks, groundTruth: services.groundTruth });
    if (config.runWorker) await jobs.work();

    const schema = await buildFlywheelSchema();
    let shuttingDown = false;
    const cors = new Cors(config.corsOrigins);
    const httpServer = http.createServer((req, res) => {
      route(req, res).catch((err) => {
        const known = err instanceof HttpError;
        const requestId = crypto.randomUUID();
        if (!known && isDatabaseUnavailable(err) && !res.headersSent) {
          // E.g. the key lookup before GraphQL runs, while the database restarts.
          res.statusCode = 503;
          res.setHeader('content-type', 'application/json; charset=utf-8');
          res.setHeader('retry-after', '2');
          res.end(httpErrorBody('DATABASE_UNAVAILABLE', 'The database is unavailable; nothing was written. Retry shortly.', { requestId }));
          return;
        }
        if (!known) logger.error(`http [${requestId}]: ${(err as Error).stack ?? String(err)}`);
        if (!res.headersSent) {
          res.statusCode = known ? err.status : 500;
          if (known) for (const [k, v] of Object.entries(err.headers)) res.setHeader(k, v);
          res.setHeader('content-type', 'application/json; charset=utf-8');
          res.end(known ? httpErrorBody(err.code, err.message) : httpErrorBody('INTERNAL_SERVER_ERROR', 'Internal server error', { requestId }));
        } else res.destroy();
      });
    });
    apollo = new ApolloServer<AppContext>({
      schema,
      introspection: config.graphqlIntrospection,
      // No automatic persisted queries: an unbounded in-memory cache per process for a feature no client
      // of ours needs (ingest bodies are variables, not query text).
      persistedQueries: false,
      // "Did you mean …" suggestions reveal the schema as surely as introspection does: they follow it.
      hideSchemaDetailsFromClientErrors: !config.graphqlIntrospection,
      plugins: [
        ApolloServerPluginDrainHttpServer({ httpServer }),
        metricsPlugin(metrics),
        // We set no cache hints; the default cache-control plugin would still wrap every field resolver
        // (a per-field cost on 500-item batches) to compute a policy nobody reads.
        ApolloServerPluginCacheControlDisabled(),
        // Apollo's landing page loads from a CDN; GET /graphql serves our bundled GraphiQL instead.
        ApolloServerPluginLandingPageDisabled(),
        errorContractPlugin<AppContext>(logger),
      ],
      includeStacktraceInErrorResponses: false,
      // main.ts owns SIGTERM/SIGINT: Apollo's own handler would stop only Apollo and re-raise the signal.
      stopOnTerminationSignals: false,
      formatError: formatError(logger),
    });
    await apollo.start();

    const handleGraphql = graphqlHandler(apollo, {
      maxBodyBytes: config.maxBodyBytes,
      context: async (req): Promise<AppContext> => {
        const { principal, failure } = await services.apiKeys.fromAuthorization(db, req.headers.authorization).catch((err) => {
          // Apollo answers a failed context with a 500; the key lookup failing because the database is
          // away is a 503 the client should retry.
          if (isDatabaseUnavailable(err)) throw databaseUnavailableError();
          throw err;
        });
        return { db, principal, authFailure: failure, services, loaders: createLoaders(db), requestId: crypto.randomUUID() };
      },
    });

    const downloads = datasetDownloads({ config, db, apiKeys: services.apiKeys, datasets: services.datasets });
    const json = (res: http.ServerResponse, status: number, body: unknown) => {
      res.statusCode = status;
      res.setHeader('content-type', 'application/json; charset=utf-8');
      res.end(JSON.stringify(body));
    };
    async function route(req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
      const url = req.url ?? '/';
      const q = url.indexOf('?');
      const pathname = q < 0 ? url : url.slice(0, q);
      const search = q < 0 ? '' : url.slice(q + 1);
      if (pathname === '/graphql') {
        if (req.method === 'OPTIONS') return cors.preflight(req, res);
        cors.apply(req, res);
        if (wantsHtml(req, search)) return serveIdePage(res, config.graphqlIntrospection);
        return handleGraphql(req, res, search);
      }
      if (req.method !== 'GET' && req.method !== 'HEAD') {
        throw new HttpError(405, 'METHOD_NOT_ALLOWED', `${req.method} is not supported on ${pathname}; use GET`, { allow: 'GET, HEAD' });
      }
      if (pathname.startsWith(EXPORTS_PREFIX)) return downloads(req, res, pathname);
      if (pathname.startsWith(GRAPHIQL_ASSET_PREFIX) && config.graphqlIntrospection && serveIdeAsset(res, pathname.slice(GRAPHIQL_ASSET_PREFIX.length))) return;
      switch (pathname) {
        case '/healthz':
          return json(res, 200, { status: 'ok' });
        case '/readyz':
          try {
            if (shuttingDown) throw new Error('shutting down');
            await db.query('SELECT 1');
            if (!(await migrationsApplied(database.dataSource))) throw new Error('migrations pending');
            return json(res, 200, { status: 'ready', database: database.embedded ? 'embedded' : 'postgresql' });
          } catch (err) {
            return json(res, 503, { status: 'unavailable', reason: (err as Error).message, code: 'SERVICE_UNAVAILABLE' });
          }
        case '/metrics':
          res.setHeader('content-type', metrics.registry.contentType);
          res.end(await metrics.registry.metrics());
          return;
        default:
          throw new HttpError(404, 'ROUTE_NOT_FOUND', `No route ${pathname}; the API is POST /graphql`);
      }
    }

    await new Promise<void>((resolve, reject) => {
      httpServer.once('error', reject);
      httpServer.listen(config.port, config.host, () => resolve());
    });
    const port = (httpServer.address() as AddressInfo).port;
    const url = `http://${config.host === '0.0.0.0' ? '127.0.0.1' : config.host}:${port}`;
    // Say what is really bound: 0.0.0.0 means every interface, not only this machine.
    const bound = config.host === '0.0.0.0' ? `0.0.0.0:${port} (all interfaces; from this machine ${url}/graphql)` : `${url}/graphql`;
    logger.info(
      `listening on ${bound} (database: ${database.embedded ? `embedded PGlite in ${config.dataDir}` : 'PostgreSQL'}, worker: ${config.runWorker ? 'in-process' : 'off'}, ` +
        `introspection and IDE: ${config.graphqlIntrospection ? `on, open ${url}/graphql in a browser` : 'off'})`,
    );

    const startedJobs = jobs;
    const startedApollo = apollo;
    let stopping: Promise<void> | undefined;
    return {
      url,
      port,
      database,
      services,
      generatedAdminKey,
      stop() {
        // Order matters: stop taking requests and let in-flight ones finish (their rows commit through
        // the group committer), then flush whatever it still holds, then jobs, then the pools.
        stopping ??= (async () => {
          shuttingDown = true;
          profiles.stop();
          await startedApollo.stop();
          await committer.drain();
          await startedJobs.stop(config.shutdownTimeoutMs);
          await database.close();
        })();
        return stopping;
      },
    };
  } catch (err) {
    await apollo?.stop().catch(() => undefined);
    await jobs?.stop(1000).catch(() => undefined);
    await database.close();
    throw err;
  }
}
