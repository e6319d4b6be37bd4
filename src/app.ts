import 'reflect-metadata';
import { configureRedaction } from './services/redaction/redactor';
import http from 'node:http';
import { AddressInfo } from 'node:net';
import { ApolloServer, ApolloServerPlugin } from '@apollo/server';
import pg from 'pg';
import { ApolloServerPluginCacheControlDisabled, ApolloServerPluginLandingPageDisabled } from '@apollo/server/plugin/disabled';
import { ApolloServerPluginDrainHttpServer } from '@apollo/server/plugin/drainHttpServer';
import { GraphQLSchema } from 'graphql';
import { buildSchema } from 'type-graphql';
import { authChecker } from './auth-checker';
import type { Config } from './config';
import type { AppContext, AppServices } from './context';
import { graphqlHandler, HttpError } from './http/graphql-handler';
import { Cors } from './http/cors';
import { queryLimits } from './http/query-limits';
import { datasetDownloads, EXPORTS_PREFIX } from './http/dataset-downloads';
import { GRAPHIQL_ASSET_PREFIX, serveIdeAsset, serveIdePage, wantsHtml } from './http/graphiql';
import { errorContractPlugin, formatError, KnownRootOperationType } from './http/graphql-errors';
import { DATABASE_UNAVAILABLE_MESSAGE, httpErrorBody, isDatabaseUnavailable } from './errors';
import { createLogger, errorFields, Logger } from './logging';
import { beginRequest, RequestRecord, requestRecord } from './http/request-record';
import { DatabaseProbe } from './db/database-probe';
import { createDataSource } from './db/database';
import { ReadReplica } from './db/read-replica';
import { readRoutingPlugin } from './http/read-routing';
import { DateTime } from './schema/scalars';
import { describeRootTypes } from './schema/root-types';
import { Database, JOB_POOL_SIZE, migrationsApplied, openDatabase } from './db/database';
import { startJobs } from './jobs';
import { LogPartitionService } from './services/log-partition.service';
import { JobQueue } from './jobs/job-queue';
import { ProfileCache } from './services/ingest/ood-profile';
import { addRuntimeGauges, createMetrics, Metrics } from './metrics';
import { RESOLVERS } from './resolvers';
import { ApiKeyService, Principal } from './services/api-key.service';
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
import { createRateLimits } from './services/rate-limit';
import { UserIdHasher } from './services/user-id-hasher';
import { auditMutations, AuditService } from './services/govern/audit';
import { ErasureService } from './services/govern/erasure.service';

export type { Logger } from './logging';

export interface App {
  url: string;
  port: number;
  database: Database;
  services: AppServices;
  /** Set when this start created the bootstrap admin key (shown once). */
  generatedAdminKey: string | null;
  stop(): Promise<void>;
}

export async function buildFlywheelSchema(): Promise<GraphQLSchema> {
  const schema = await buildSchema({
    resolvers: RESOLVERS,
    authChecker,
    scalarsMap: [{ type: Date, scalar: DateTime }],
    // Input checks live in the services, where batch items are reported by index and the hot path
    // avoids class-validator's per-object cost.
    validate: false,
  });
  // Admin and reviewer mutations write their audit row in their own transaction (services/govern/audit.ts).
  return auditMutations(describeRootTypes(schema));
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
          // A fixed set of label values: the operation type and its root field when it has one, else
          // "multiple". Before, the sorted list of root fields (repeats included) made a new series per
          // combination: 5 requests with no key created 85.
          const fields = new Set(rc.operation.selectionSet.selections.map((s) => (s.kind === 'Field' ? s.name.value : '…')));
          const [only] = fields;
          operation = `${rc.operation.operation} ${fields.size === 1 && only !== '…' ? only : 'multiple'}`;
          if (rc.contextValue.request) rc.contextValue.request.operation = operation;
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

export async function startApp(config: Config, logger: Logger = createLogger(config.logLevel)): Promise<App> {
  // Process-wide: the redactor runs on the hot path without a settings argument (one process, one setting).
  configureRedaction(config.redaction);
  const metrics = createMetrics();
  const database = await openDatabase({
    databaseUrl: config.databaseUrl,
    dataDir: config.dataDir,
    poolSize: config.dbPoolSize,
    onQuery: () => metrics.dbStatements.inc(),
    connectTimeoutMs: config.dbTimeoutMs,
    queryTimeoutMs: config.dbTimeoutMs,
  });
  let jobs: JobQueue | undefined;
  let apollo: ApolloServer<AppContext> | undefined;
  let replica: ReadReplica | undefined;
  try {
    const db = database.dataSource.manager;
    // Today's and the coming days' log partitions exist before the first row arrives (the daily
    // log-partitions job keeps them ahead; rows beyond them land in the DEFAULT partition).
    await new LogPartitionService().ensureAhead(db, { daysAhead: config.logPartitionsAheadDays });
    const hmacKey = config.userIdHmacKey ?? loadOrCreateHmacKey(config.dataDir);
    const ingestPool = new pg.Pool({
      connectionString: database.url,
      max: config.ingestMaxConcurrentFlushes,
      application_name: 'flywheel-ingest',
      connectionTimeoutMillis: config.dbTimeoutMs,
      // A flush is one statement of at most INGEST_MAX_GROUP_ROWS rows (milliseconds when the database is
      // well): a flush that has not answered in DB_TIMEOUT_MS fails every waiting caller with
      // DATABASE_UNAVAILABLE instead of holding them. It may still commit; a retry is idempotent.
      query_timeout: config.dbTimeoutMs,
    });
    // An idle client's "terminating connection due to administrator command" (a database restart) is
    // emitted on the pool; unhandled, it ended the process. The pool drops that client and reconnects.
    ingestPool.on('error', (err) => logger.warn({ pool: 'ingest', ...errorFields(err) }, 'idle database connection lost'));
    // Straight on the pool, not through TypeORM: probes must not count as statements a page costs.
    const mainPool = (database.dataSource.driver as unknown as { master: pg.Pool }).master;
    const probe = new DatabaseProbe(() => mainPool.query('SELECT 1'), logger);
    probe.start();
    if (config.databaseReadUrl) {
      const readUrl = config.databaseReadUrl;
      replica = new ReadReplica({
        primary: db,
        // Connect timeout 2 s (a loopback or LAN connect takes milliseconds): the request that finds a
        // silent replica waits at most that before its read runs on the primary; later ones do not wait.
        createDataSource: () => createDataSource(readUrl, config.dbPoolSize, () => metrics.dbStatements.inc(), Math.min(2000, config.dbTimeoutMs), config.dbTimeoutMs),
        checkMs: config.databaseReadCheckMs,
        maxLagMs: config.databaseReadMaxLagMs,
        registry: metrics.registry,
        logger,
      });
      await replica.start();
    }
    const committer = new GroupCommitter(ingestPool, {
      maxGroupRows: config.ingestMaxGroupRows,
      maxConcurrentFlushes: config.ingestMaxConcurrentFlushes,
      prepared: !database.embedded,
      reviewTags: config.reviewTags,
      onFlush: (rows) => metrics.commitGroupSize.observe(rows),
    });
    jobs = new JobQueue(database.url, db, {
      poolSize: JOB_POOL_SIZE,
      connectTimeoutMs: config.dbTimeoutMs,
      handlerDb: database.jobsDataSource.manager,
      // During an outage pg-boss's pollers fail every second; the probe logs the outage once.
      onError: (e) => (isDatabaseUnavailable(e) ? undefined : logger.error({ component: 'jobs', ...errorFields(e) }, 'job queue error')),
    });
    const hasher = new UserIdHasher(hmacKey);
    const profiles = new ProfileCache();
    await profiles.reload(db);
    profiles.start(db, config.autoFlag.oodProfileReloadSeconds * 1000, (e) =>
      isDatabaseUnavailable(e) ? undefined : logger.error({ component: 'profiles', ...errorFields(e) }, 'profile reload failed'),
    );
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
      corrections: new CorrectionService(config, metrics),
      ...createCurateDecideServices(config, jobs, tags, metrics),
      rateLimits: createRateLimits(config),
      audit: new AuditService(config.maxPageSize),
      erasure: new ErasureService(config, hasher),
    };

    addRuntimeGauges(metrics, {
      databaseUp: () => probe.up,
      pools: {
        main: { stats: () => mainPool, max: config.dbPoolSize },
        ingest: { stats: () => ingestPool, max: config.ingestMaxConcurrentFlushes },
        jobs: { stats: () => jobs?.pool(), max: JOB_POOL_SIZE },
        ...(replica ? { replica: { stats: () => replica?.pool(), max: config.dbPoolSize } } : {}),
      },
      jobDepth: () => services.jobs.depth(),
      queues: () => services.jobs.queueNames(),
    });

    const { generated: generatedAdminKey, adminApiKeyRevoked } = await services.apiKeys.bootstrap(db, config.adminApiKey);
    if (adminApiKeyRevoked) logger.warn({}, 'ADMIN_API_KEY was revoked and stays revoked; to rotate it, set a new value');

    await startJobs(jobs, { config, metrics, drift: services.drift, retrain: services.retrain, webhooks: services.webhooks, groundTruth: services.groundTruth, audit: services.audit });
    if (config.runWorker) await jobs.work();

    const schema = await buildFlywheelSchema();
    let shuttingDown = false;
    const cors = new Cors(config.corsOrigins);
    const httpServer = http.createServer((req, res) => {
      const record = beginRequest(req);
      res.setHeader('x-request-id', record.requestId);
      const started = process.hrtime.bigint();
      res.once('close', () => logRequest(req, res, record, started));
      route(req, res).catch((err) => {
        const known = err instanceof HttpError;
        const { requestId } = record;
        if (!known && isDatabaseUnavailable(err) && !res.headersSent) {
          // E.g. the key lookup before GraphQL runs, while the database restarts.
          record.codes.push('DATABASE_UNAVAILABLE');
          res.statusCode = 503;
          res.setHeader('content-type', 'application/json; charset=utf-8');
          res.setHeader('retry-after', '2');
          res.end(httpErrorBody('DATABASE_UNAVAILABLE', DATABASE_UNAVAILABLE_MESSAGE, { requestId }));
          return;
        }
        if (!known) logger.error({ requestId, ...errorFields(err) }, 'internal error');
        record.codes.push(known ? err.code : 'INTERNAL_SERVER_ERROR');
        if (!res.headersSent) {
          res.statusCode = known ? err.status : 500;
          if (known) for (const [k, v] of Object.entries(err.headers)) res.setHeader(k, v);
          res.setHeader('content-type', 'application/json; charset=utf-8');
          const body = known ? httpErrorBody(err.code, err.message, { requestId }) : httpErrorBody('INTERNAL_SERVER_ERROR', 'Internal server error', { requestId });
          if (known && !req.complete) {
            // Refused before the body was read (a 401 without a key, a 413): lingering close (RFC 9112 §9.6).
            // The reply says `connection: close` (the client must not reuse the socket), but Node's own close
            // after the reply would reset the socket while the client still uploads, and the client could
            // lose the answer. So: answer, half-close, go on reading (and dropping) for up to 10 s.
            const socket = req.socket as typeof req.socket & { destroySoon?: () => void };
            socket.destroySoon = () => {
              socket.end();
              socket.resume();
              setTimeout(() => socket.destroy(), 10_000).unref();
            };
            res.setHeader('connection', 'close');
            res.end(body);
          } else res.end(body);
        } else res.destroy();
      });
    });
    // Requests Node's HTTP parser refuses (unknown method, headers over 16 KiB) get the same coded JSON
    // body as every other error; by default Node writes a bare status line.
    httpServer.on('clientError', (err: NodeJS.ErrnoException, socket) => {
      if (!socket.writable || err.code === 'ECONNRESET') return void socket.destroy();
      const status = err.code === 'HPE_HEADER_OVERFLOW' ? 431 : 400;
      const body = httpErrorBody('BAD_REQUEST', status === 431 ? 'Request headers (or URL) too large; send at most 16 KiB of headers' : 'Malformed HTTP request');
      socket.end(`HTTP/1.1 ${status} ${http.STATUS_CODES[status]}\r\ncontent-type: application/json; charset=utf-8\r\ncontent-length: ${Buffer.byteLength(body)}\r\nconnection: close\r\n\r\n${body}`);
    });
    /**
     * One line per request: at debug level when it succeeded (ingest runs thousands a second), info for
     * a client error, warn for 5xx. The path is logged only for our own routes (a client-chosen path or
     * query string could carry anything).
     */
    const KNOWN_PATHS = new Set(['/graphql', '/healthz', '/readyz', '/metrics']);
    function logRequest(req: http.IncomingMessage, res: http.ServerResponse, record: RequestRecord, started: bigint): void {
      const status = res.statusCode;
      // Health probes poll every few seconds and answer 503 through a whole outage: debug, always.
      const probePath = req.url === '/readyz' || req.url === '/healthz';
      const level = probePath || status < 400 ? 'debug' : status >= 500 ? 'warn' : 'info';
      const url = req.url ?? '/';
      const q = url.indexOf('?');
      const pathname = q < 0 ? url : url.slice(0, q);
      const path = KNOWN_PATHS.has(pathname) ? pathname : pathname.startsWith(EXPORTS_PREFIX) ? EXPORTS_PREFIX : pathname.startsWith(GRAPHIQL_ASSET_PREFIX) ? GRAPHIQL_ASSET_PREFIX : 'other';
      const method = /^[A-Z]{1,10}$/.test(req.method ?? '') ? req.method : 'other';
      logger[level](
        {
          requestId: record.requestId,
          method,
          path,
          status,
          ms: Math.round(Number(process.hrtime.bigint() - started) / 1e4) / 100,
          ...(record.operation ? { operation: record.operation } : {}),
          ...(record.codes.length ? { codes: [...new Set(record.codes)].slice(0, 10) } : {}),
          ...(res.writableFinished ? {} : { aborted: true }),
        },
        'request',
      );
    }
    // Depth, aliases, directives and tokens (parse/validation), list lengths and cost (before execution).
    const limits = queryLimits(config);
    apollo = new ApolloServer<AppContext>({
      schema,
      parseOptions: limits.parseOptions,
      introspection: config.graphqlIntrospection,
      // No automatic persisted queries: an unbounded in-memory cache per process for a feature no client
      // of ours needs (ingest bodies are variables, not query text).
      persistedQueries: false,
      // "Did you mean …" suggestions reveal the schema as surely as introspection does: they follow it.
      hideSchemaDetailsFromClientErrors: !config.graphqlIntrospection,
      plugins: [
        ApolloServerPluginDrainHttpServer({ httpServer }),
        ...(limits.plugins as ApolloServerPlugin<AppContext>[]),
        metricsPlugin(metrics),
        readRoutingPlugin(replica),
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
      formatError: formatError(),
      validationRules: [KnownRootOperationType, ...limits.validationRules],
    });
    await apollo.start();

    const handleGraphql = graphqlHandler(apollo, {
      // Body limits by what the key may do: only ingest (and admin) keys send large batches.
      bodyLimit: (req) => {
        const scopes = requestRecord(req).principal?.scopes;
        if (scopes?.has('ingest') || scopes?.has('admin')) return { bytes: config.maxBodyBytes, setting: 'MAX_BODY_BYTES' };
        if (scopes && scopes.size === 1 && scopes.has('feedback')) return { bytes: config.maxBodyBytesFeedback, setting: 'MAX_BODY_BYTES_FEEDBACK' };
        return { bytes: config.maxBodyBytesSmall, setting: 'MAX_BODY_BYTES_SMALL' };
      },
      context: async (req): Promise<AppContext> => {
        const request = requestRecord(req);
        // readDb starts as the primary; readRoutingPlugin moves dashboard queries to the replica.
        return { db, readDb: db, principal: request.principal ?? null, authFailure: null, services, loaders: createLoaders(db), requestId: request.requestId, request };
      },
    });
    /**
     * The key is checked before the body is read: a request with no key, a malformed header, or an
     * unknown or revoked key costs one cached lookup, not a 64 MB read and a parse (an unauthenticated
     * 5.6 MB alias flood used to block the event loop for seconds).
     */
    async function authenticate(req: http.IncomingMessage, opts: { duringOutage: boolean } = { duringOutage: false }): Promise<Principal> {
      // A lookup failing because the database is away reaches the router, which answers 503.
      const { principal, failure, databaseDown } = await services.apiKeys.fromAuthorization(db, req.headers.authorization);
      // The key is known from before, but the database did not answer within DB_TIMEOUT_MS: fail now
      // rather than wait that long again for every statement the request would run (/metrics goes on:
      // it needs no database, and an outage is when it matters).
      if (databaseDown && !opts.duringOutage) throw new HttpError(503, 'DATABASE_UNAVAILABLE', DATABASE_UNAVAILABLE_MESSAGE, { 'retry-after': '2' });
      if (!principal) {
        throw new HttpError(401, 'UNAUTHENTICATED', failure ?? 'Missing API key: send `Authorization: Bearer <key>`', {
          'www-authenticate': 'Bearer',
          // The body is not read: close the connection rather than drain it.
          connection: 'close',
        });
      }
      requestRecord(req).principal = principal;
      return principal;
    }

    const downloads = datasetDownloads({ config, db, readDb: () => replica?.forRequest() ?? db, apiKeys: services.apiKeys, datasets: services.datasets });
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
        await authenticate(req);
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
          if (shuttingDown) return json(res, 503, { status: 'unavailable', reason: 'shutting down', code: 'SERVICE_UNAVAILABLE' });
          try {
            await db.query('SELECT 1');
            probe.report(true);
          } catch (err) {
            probe.report(false, err);
            return json(res, 503, { status: 'unavailable', reason: 'database unavailable', code: 'SERVICE_UNAVAILABLE' });
          }
          if (!(await migrationsApplied(database.dataSource))) return json(res, 503, { status: 'unavailable', reason: 'migrations pending', code: 'SERVICE_UNAVAILABLE' });
          return json(res, 200, { status: 'ready', database: database.embedded ? 'embedded' : 'postgresql' });
        case '/metrics': {
          // Metrics name every model version, queue and pool: a METRICS (or ADMIN) key, like the API.
          const principal = await authenticate(req, { duringOutage: true });
          if (!principal.scopes.has('metrics') && !principal.scopes.has('admin')) throw new HttpError(403, 'FORBIDDEN', '/metrics needs a key with the METRICS scope');
          res.setHeader('content-type', metrics.registry.contentType);
          res.end(await metrics.registry.metrics());
          return;
        }
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
      { url: `${url}/graphql`, host: config.host, port, database: database.embedded ? 'embedded' : 'postgresql', worker: config.runWorker, introspection: config.graphqlIntrospection },
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
        // Jobs stop before the database closes: their pollers used to run on against a closed
        // connection ("Database connection is not opened" on every clean stop).
        stopping ??= (async () => {
          shuttingDown = true;
          profiles.stop();
          await startedApollo.stop();
          await committer.drain(); // flushes what it holds, then ends the ingest pool
          await startedJobs.stop(config.shutdownTimeoutMs);
          probe.stop();
          await replica?.stop();
          await database.close();
        })();
        return stopping;
      },
    };
  } catch (err) {
    await apollo?.stop().catch(() => undefined);
    await jobs?.stop(1000).catch(() => undefined);
    await replica?.stop();
    await database.close();
    throw err;
  }
}
