import { ChildProcess, spawn } from 'node:child_process';
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { Client, Pool } from 'pg';
import { Pool as HttpPool } from 'undici';

/** The service under test, in its own process, on a scratch database beside DATABASE_URL. */
export interface BenchService {
  dbUrl: string;
  /** Plain `pg` on the same database: the raw ceiling and fixtures. */
  pool: Pool;
  http: HttpPool;
  adminKey: string;
  gql(query: string, variables?: unknown, key?: string): Promise<any>;
  /** A counter from /metrics. */
  metric(name: string): Promise<number>;
  /** PID of the service process (its CPU time is in /proc/<pid>/stat). */
  serverPid: number;
  stop(): Promise<void>;
}

/** User + system CPU seconds a process has used so far (Linux /proc; 0 if it is gone). */
export function cpuSeconds(pid: number): number {
  try {
    const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
    // Fields after the parenthesised command name; utime and stime are the 12th and 13th of them.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return (Number(fields[11]) + Number(fields[12])) / 100;
  } catch {
    return 0;
  }
}

export async function startBenchService(opts: {
  name: string;
  port: number;
  httpConnections: number;
  poolSize: number;
  env?: Record<string, string>;
  /** A database of the bench's own (kept on stop) instead of a scratch one beside DATABASE_URL. */
  dbUrl?: string;
}): Promise<BenchService> {
  const baseUrl = process.env.DATABASE_URL ?? 'postgresql://postgres@127.0.0.1:5432/test';
  const dbName = `fw_bench_${opts.name}_${process.pid}`;
  const admin = opts.dbUrl ? undefined : new Client({ connectionString: baseUrl });
  await admin?.connect();
  await admin?.query(`CREATE DATABASE ${dbName}`);
  const url = new URL(baseUrl);
  url.pathname = `/${dbName}`;
  const dbUrl = opts.dbUrl ?? url.toString();
  const adminKey = 'fw_bench_admin_key_' + crypto.randomBytes(16).toString('hex');
  const pool = new Pool({ connectionString: dbUrl, max: opts.poolSize });
  pool.on('error', () => undefined); // idle clients dropped when the scratch database goes
  // BENCH_SERVER_NODE_ARGS: extra node flags for the service, e.g. "--cpu-prof" to profile it.
  const nodeArgs = (process.env.BENCH_SERVER_NODE_ARGS ?? '').split(' ').filter(Boolean);
  const server: ChildProcess = spawn(process.execPath, [...nodeArgs, path.resolve(__dirname, '../src/main.js')], {
    env: {
      ...process.env,
      DATABASE_URL: dbUrl,
      ADMIN_API_KEY: adminKey,
      USER_ID_HMAC_KEY: crypto.randomBytes(32).toString('hex'),
      PORT: String(opts.port),
      HOST: '127.0.0.1',
      // As `npm start` runs it (graphql-js skips its development-only checks).
      NODE_ENV: 'production',
      ...opts.env,
    },
    stdio: ['ignore', 'inherit', 'inherit'],
  });
  const http = new HttpPool(`http://127.0.0.1:${opts.port}`, { connections: opts.httpConnections, pipelining: 1 });
  const stop = async () => {
    server.kill('SIGTERM');
    if (server.exitCode === null) await new Promise((r) => server.once('exit', r));
    await http.close().catch(() => undefined);
    await pool.end();
    await admin?.query(`DROP DATABASE IF EXISTS ${dbName} WITH (FORCE)`);
    await admin?.end();
  };
  try {
    for (let i = 0; ; i++) {
      try {
        const res = await http.request({ path: '/readyz', method: 'GET' });
        await res.body.dump();
        if (res.statusCode === 200) break;
      } catch {
        /* not up yet */
      }
      if (i > 300) throw new Error('service did not become ready');
      await new Promise((r) => setTimeout(r, 100));
    }
  } catch (err) {
    await stop();
    throw err;
  }
  return {
    dbUrl,
    pool,
    http,
    adminKey,
    serverPid: server.pid!,
    async gql(query, variables = {}, key = adminKey) {
      const res = await http.request({
        path: '/graphql',
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${key}` },
        body: JSON.stringify({ query, variables }),
      });
      const body: any = await res.body.json();
      if (body.errors) throw new Error(JSON.stringify(body.errors));
      return body.data;
    },
    async metric(name) {
      const res = await http.request({ path: '/metrics', method: 'GET', headers: { authorization: `Bearer ${adminKey}` } });
      return Number(new RegExp(`^${name} (\\d+)`, 'm').exec(await res.body.text())?.[1] ?? NaN);
    },
    stop,
  };
}
