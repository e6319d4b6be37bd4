import { Client } from 'pg';

/**
 * A small GraphQL-over-HTTP client for the fault tests, which talk to real processes that may die
 * mid-request: a call never throws, it says what happened (the reply, or the network error).
 */

export interface GqlError {
  message: string;
  extensions?: { code?: string; [k: string]: unknown };
  path?: (string | number)[];
}

export interface Reply<T> {
  /** HTTP status; 0 when no complete answer arrived (refused, reset mid-request, timed out). */
  status: number;
  data?: T;
  errors?: GqlError[];
  /** Set when no complete answer arrived: ECONNREFUSED, ECONNRESET, UND_ERR_SOCKET, TIMEOUT, … */
  networkError?: string;
}

export async function gql<T = any>(base: string, key: string, query: string, variables: Record<string, unknown> = {}, timeoutMs = 60_000): Promise<Reply<T>> {
  let res: Response;
  try {
    res = await fetch(`${base}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${key}` },
      body: JSON.stringify({ query, variables }),
      signal: AbortSignal.timeout(timeoutMs),
    });
  } catch (err) {
    return { status: 0, networkError: networkCode(err) };
  }
  let text: string;
  try {
    text = await res.text();
  } catch (err) {
    // The headers came, the body did not: the process died while answering.
    return { status: 0, networkError: networkCode(err) };
  }
  try {
    const body = JSON.parse(text) as { data?: T; errors?: GqlError[] };
    return { status: res.status, data: body.data ?? undefined, errors: body.errors };
  } catch {
    return { status: res.status, networkError: 'UNPARSEABLE_BODY' };
  }
}

function networkCode(err: unknown): string {
  const e = err as { name?: string; code?: string; cause?: { code?: string; name?: string } };
  if (e?.name === 'TimeoutError' || e?.cause?.name === 'TimeoutError') return 'TIMEOUT';
  return e?.cause?.code ?? e?.code ?? e?.name ?? 'UNKNOWN';
}

/** One label per outcome for the error tally: `network:ECONNRESET`, `503:DATABASE_UNAVAILABLE`, `200:FORBIDDEN`. */
export function outcomeCode(r: Reply<unknown>): string {
  if (r.networkError) return `network:${r.networkError}`;
  if (r.errors?.length) return `${r.status}:${r.errors[0].extensions?.code ?? 'NO_CODE'}`;
  if (r.status !== 200) return `${r.status}:NO_ERRORS`;
  return 'ok';
}

/** The data of a reply that must have succeeded; otherwise an error that shows the reply. */
export function must<T>(r: Reply<T>, what: string): T {
  if (r.networkError || r.errors?.length || r.status !== 200 || r.data === undefined) {
    throw new Error(`${what}: ${JSON.stringify({ status: r.status, networkError: r.networkError, errors: r.errors })}`);
  }
  return r.data;
}

export const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/** Polls `fn` until it returns something truthy; fails after `timeoutMs` with the last value seen. */
export async function poll<T>(fn: () => Promise<T | null | undefined | false>, what: string, timeoutMs: number, intervalMs = 250): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = await fn();
    if (v) return v;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs / 1000} s waiting for ${what}`);
    await sleep(intervalMs);
  }
}

/** Plain SQL on the test's own cluster, one short-lived connection per call. */
export async function sql<T = any>(url: string, text: string, params: unknown[] = []): Promise<T[]> {
  const c = new Client({ connectionString: url });
  await c.connect();
  try {
    return (await c.query(text, params)).rows as T[];
  } finally {
    await c.end();
  }
}

/** min / median / max of a list of numbers, for the printed figures. */
export function spread(xs: number[]): string {
  if (xs.length === 0) return 'n/a';
  const s = [...xs].sort((a, b) => a - b);
  return `min ${s[0]}, median ${s[Math.floor(s.length / 2)]}, max ${s[s.length - 1]}`;
}

/** `a 3, b 1` from a tally, biggest first. */
export function tally(m: Map<string, number>): string {
  if (m.size === 0) return 'none';
  return [...m.entries()].sort((a, b) => b[1] - a[1]).map(([k, v]) => `${k} ${v}`).join(', ');
}

export function count(m: Map<string, number>, key: string, n = 1): void {
  m.set(key, (m.get(key) ?? 0) + n);
}
