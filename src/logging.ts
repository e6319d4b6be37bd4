import pino from 'pino';

/**
 * Structured logs: one JSON object per line (pino), with `requestId` on every line about a request.
 *
 * What never reaches a log line: prompt or response text, user ids, API keys, or any other value a
 * client sent. Lines carry our own identifiers (request id, job id, SQLSTATE, constraint names) and
 * numbers; error messages from the database, which quote the offending value ("invalid input syntax
 * for type uuid: \"…\""), are scrubbed of quoted text first. JSON encoding escapes newlines, so no
 * client input can start a forged line either.
 */
export type LogFields = Record<string, unknown>;

export interface Logger {
  debug(fields: LogFields, msg: string): void;
  info(fields: LogFields, msg: string): void;
  warn(fields: LogFields, msg: string): void;
  error(fields: LogFields, msg: string): void;
}

export const LOG_LEVELS = ['trace', 'debug', 'info', 'warn', 'error', 'fatal', 'silent'] as const;
export type LogLevel = (typeof LOG_LEVELS)[number];

export function createLogger(level: LogLevel, name = 'flywheel'): Logger {
  return pino({
    name,
    level,
    base: { pid: process.pid },
    timestamp: pino.stdTimeFunctions.isoTime,
    // `"level":"info"` reads better in a terminal and in log search than pino's numeric 30.
    formatters: { level: (label) => ({ level: label }) },
  });
}

export const silentLogger: Logger = { debug: () => undefined, info: () => undefined, warn: () => undefined, error: () => undefined };

/** Quoted text (values the database echoes) and anything shaped like one of our keys, removed; at most 300 characters. */
export function scrub(text: string): string {
  return text
    .replace(/"[^"\n]*"/g, '"…"')
    .replace(/'[^'\n]*'/g, "'…'")
    .replace(/\bfw_[A-Za-z0-9_-]+/g, 'fw_…')
    .slice(0, 300);
}

/**
 * An error as log fields: its class, codes a database or socket error carries (SQLSTATE, constraint,
 * table: names of ours, never values), the scrubbed message and the stack's frames (the stack's first
 * line repeats the message, so it is dropped).
 */
export function errorFields(err: unknown): LogFields {
  // `error`, not `err`: pino's own serializer for `err` would put the raw message and stack back.
  if (!(err instanceof Error)) {
    // pg-boss emits plain objects on some stops; String() of those is "[object Object]".
    const message = typeof (err as { message?: unknown })?.message === 'string' ? (err as { message: string }).message : String(err);
    return { error: { message: scrub(message) } };
  }
  const e = err as Error & { code?: unknown; constraint?: unknown; table?: unknown; routine?: unknown };
  const frames = (e.stack ?? '').split('\n').filter((l) => /^\s+at /.test(l)).slice(0, 12).map((l) => l.trim());
  return {
    error: {
      type: e.constructor?.name ?? 'Error',
      ...(typeof e.code === 'string' ? { code: e.code } : {}),
      ...(typeof e.constraint === 'string' ? { constraint: e.constraint } : {}),
      ...(typeof e.table === 'string' ? { table: e.table } : {}),
      message: scrub(e.message),
      frames,
    },
  };
}

/**
 * A request id a caller may bring (a proxy's or a client's X-Request-Id) is kept when it is short and
 * plain, so one id follows a request through several systems; anything else is replaced by ours.
 */
const CALLER_REQUEST_ID = /^[A-Za-z0-9._:-]{8,64}$/;
export function requestIdFor(header: string | string[] | undefined, generate: () => string): string {
  return typeof header === 'string' && CALLER_REQUEST_ID.test(header) ? header : generate();
}
