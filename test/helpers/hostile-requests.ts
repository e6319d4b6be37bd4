import fc from 'fast-check';
import {
  getNamedType,
  GraphQLField,
  GraphQLInputType,
  GraphQLNamedType,
  GraphQLSchema,
  isEnumType,
  isInputObjectType,
  isInterfaceType,
  isLeafType,
  isListType,
  isNonNullType,
  isObjectType,
  isUnionType,
} from 'graphql';

/**
 * Hostile HTTP requests for the fuzz fault test (issue 11), generated with fast-check: GraphQL
 * operations derived from the committed schema (every Query and Mutation field, argument values of
 * the right and the wrong types) plus hand-written families (broken and deep JSON, content types,
 * methods, alias and fragment bombs, deep selections, huge batches, bad keys).
 *
 * fast-check draws small descriptors; the bulky parts (multi-MB strings, 10k-deep JSON, long lists)
 * are sentinels that become bytes only when a request is built, right before it is sent.
 */

/** A string of `n` repetitions of `unit`. */
export class Huge {
  constructor(
    readonly n: number,
    readonly unit: string,
  ) {}
  text(): string {
    return this.unit.repeat(this.n);
  }
}
/** `n` levels of nesting: `{"a":{"a":…leaf…}}` (object) or `[[…leaf…]]` (array). */
export class Deep {
  constructor(
    readonly n: number,
    readonly kind: 'object' | 'array',
  ) {}
}
/** A value spelled differently as JSON text and as a GraphQL literal (`1e400`, big integers, `__proto__` keys). */
export class Raw {
  constructor(
    readonly json: string,
    readonly gql: string = json,
  ) {}
}
/** An enum value: a JSON string in variables, a bare name in a literal (or a string if it is no name). */
export class EnumLit {
  constructor(readonly name: string) {}
}
/** A list of `n` copies of `item` (strings get the index appended when `vary`). */
export class Rep {
  constructor(
    readonly n: number,
    readonly item: V,
    readonly vary: boolean,
  ) {}
}
export type V = null | boolean | number | string | V[] | { [k: string]: V } | Huge | Deep | Raw | EnumLit | Rep;

const NAME = /^[_A-Za-z][_0-9A-Za-z]*$/;

function repItems(r: Rep): V[] {
  return Array.from({ length: r.n }, (_, i) => (r.vary && typeof r.item === 'string' ? `${r.item}-${i}` : r.item));
}

/** JSON text of a value (sentinels expanded). */
export function toJson(v: V | undefined): string {
  if (v === undefined) return 'null';
  if (v === null || typeof v === 'boolean' || typeof v === 'number' || typeof v === 'string') return JSON.stringify(v);
  if (v instanceof Huge) return JSON.stringify(v.text());
  if (v instanceof Deep) return v.kind === 'object' ? '{"a":'.repeat(v.n) + '1' + '}'.repeat(v.n) : '['.repeat(v.n) + '1' + ']'.repeat(v.n);
  if (v instanceof Raw) return v.json;
  if (v instanceof EnumLit) return JSON.stringify(v.name);
  if (v instanceof Rep) return toJson(repItems(v));
  if (Array.isArray(v)) return `[${v.map(toJson).join(',')}]`;
  return `{${Object.entries(v)
    .filter(([, x]) => x !== undefined)
    .map(([k, x]) => `${JSON.stringify(k)}:${toJson(x)}`)
    .join(',')}}`;
}

/** GraphQL literal of a value (sentinels expanded); keys that are no GraphQL name make it a syntax error, on purpose. */
export function toLiteral(v: V | undefined): string {
  if (v === undefined || v === null) return 'null';
  if (typeof v === 'boolean' || typeof v === 'number') return String(v);
  if (typeof v === 'string') return JSON.stringify(v);
  if (v instanceof Huge) return JSON.stringify(v.text());
  if (v instanceof Deep) return v.kind === 'object' ? '{a: '.repeat(v.n) + '1' + '}'.repeat(v.n) : '['.repeat(v.n) + '1' + ']'.repeat(v.n);
  if (v instanceof Raw) return v.gql;
  if (v instanceof EnumLit) return NAME.test(v.name) ? v.name : JSON.stringify(v.name);
  if (v instanceof Rep) return toLiteral(repItems(v));
  if (Array.isArray(v)) return `[${v.map(toLiteral).join(', ')}]`;
  return `{${Object.entries(v)
    .filter(([, x]) => x !== undefined)
    .map(([k, x]) => `${k}: ${toLiteral(x)}`)
    .join(', ')}}`;
}

export interface HostileRequest {
  family: string;
  method: string;
  path: string;
  headers: Record<string, string>;
  body?: string | Uint8Array;
}
/** A drawn request: `build` makes its bytes when it is about to be sent. */
export interface RequestSpec {
  family: string;
  build(): HostileRequest;
}

export interface FuzzContext {
  schema: GraphQLSchema;
  /** Planted in string inputs; no error message may contain `markerToken`. */
  marker: string;
  markerToken: string;
  keys: { admin: string; ingest: string; read: string; feedback: string; annotate: string; revoked: string };
  /** Real values from seeded data: global ids, request ids, names. */
  seeded: { ids: string[]; requestIds: string[]; strings: string[] };
}

/** The lists whose cursors a forged cursor imitates (names as the keysets spell them). */
const CURSOR_LISTS = [
  'logEntries', 'apiKeys', 'jobs', 'reviewQueue', 'datasetEntries', 'datasetVersions', 'retrainDecisions', 'retrainPolicies',
  'webhooks', 'webhookDeliveries', 'evalGates', 'modelLines', 'trainingRuns', 'deployments', 'labelConflicts', 'driftEvents',
];
const NODE_TYPE_NAMES = [
  'LogEntry', 'Tag', 'Feedback', 'Correction', 'ReviewItem', 'LabelConflict', 'DriftEvent', 'ApiKey', 'Job', 'DatasetVersion', 'RetrainPolicy',
  'RetrainDecision', 'ModelLine', 'ModelVersion', 'TrainingRun', 'EvalGate', 'Evaluation', 'Deployment', 'Webhook', 'WebhookDelivery', 'GroundTruth',
];
const b64 = (s: string) => Buffer.from(s, 'utf8').toString('base64url');

export function requestArbitrary(ctx: FuzzContext): fc.Arbitrary<RequestSpec> {
  const { schema, marker, keys, seeded } = ctx;
  const gqlPost = (family: string, body: string | (() => string), key: string | null = keys.admin, extra: Record<string, string> = {}): RequestSpec => ({
    family,
    build: () => ({
      family,
      method: 'POST',
      path: '/graphql',
      headers: { 'content-type': 'application/json', ...(key !== null ? { authorization: `Bearer ${key}` } : {}), ...extra },
      body: typeof body === 'function' ? body() : body,
    }),
  });
  const queryBody = (query: string | (() => string), variables?: V, extra: Record<string, V> = {}) => () =>
    `{"query":${JSON.stringify(typeof query === 'function' ? query() : query)}${variables !== undefined ? `,"variables":${toJson(variables)}` : ''}${Object.entries(extra)
      .map(([k, v]) => `,${JSON.stringify(k)}:${toJson(v)}`)
      .join('')}}`;

  // ---------- values ----------
  // PostgreSQL's timestamptz text shape (what a cursor's validator checks) with any two digits in each place: mostly impossible dates.
  const pad = (n: number, w = 2) => String(n).padStart(w, '0');
  const timestampShaped = fc
    .tuple(fc.integer({ min: 0, max: 9999 }), fc.integer({ min: 0, max: 99 }), fc.integer({ min: 0, max: 99 }), fc.integer({ min: 0, max: 99 }), fc.integer({ min: 0, max: 99 }), fc.integer({ min: -99, max: 99 }))
    .map(([y, mo, d, h, mi, tz]) => `${pad(y, 4)}-${pad(mo)}-${pad(d)} ${pad(h)}:${pad(mi)}:${pad(mi)}${tz < 0 ? '-' : '+'}${pad(Math.abs(tz))}` as V);
  const cursorValue = fc.oneof(
    timestampShaped,
    fc.constantFrom<V>(
      '9999-99-99 99:99:99+00', '2024-02-30 00:00:00+00', '2024-01-01 00:00:00+99', '0000-01-01 00:00:00+00', '-infinity', 'infinity',
      '2024-01-01 25:61:61.999999+00', '999999999', '-999999999', '0', 'a\u0000b', marker, 'x'.repeat(1000), '00000000-0000-0000-0000-000000000000',
      'ffffffff-ffff-ffff-ffff-ffffffffffff', 'FFFFFFFF-FFFF-FFFF-FFFF-FFFFFFFFFFFF', 12, null, '',
    ),
    fc.date({ noInvalidDate: true }).map((d) => d.toISOString().replace('T', ' ').replace('Z', '+00')),
    fc.uuid(),
  );
  /** A cursor of `list` (as the keysets write them: base64url of `[list, ...key values]`) with values of the wrong shape or range. */
  const forgedCursorOf = (list: string): fc.Arbitrary<V> => fc.array(cursorValue, { minLength: 1, maxLength: 3 }).map((vs) => b64(JSON.stringify([list, ...vs])));
  const forgedCursor: fc.Arbitrary<V> = fc.oneof(
    fc.tuple(fc.constantFrom(...CURSOR_LISTS), fc.array(cursorValue, { minLength: 0, maxLength: 3 })).map(([l, vs]) => b64(JSON.stringify([l, ...vs]))),
    fc.constantFrom<V>('not-a-cursor', '====', b64('[]'), b64('{}'), b64('null'), b64('"x"'), b64('['.repeat(5000)), b64(marker), `${marker}`),
    fc.string({ unit: 'binary', maxLength: 40 }).map(b64),
  );
  // Mostly just over MAX_TEXT_CHARS (65,536); one in five up to a few MB.
  const hugeString = fc
    .tuple(
      fc.oneof({ weight: 4, arbitrary: fc.integer({ min: 65_537, max: 250_000 }) }, { weight: 1, arbitrary: fc.integer({ min: 250_000, max: 3_000_000 }) }),
      fc.constantFrom('x', 'é', '€', '😀', `${marker} `, 'a\u0000'),
    )
    .map(([n, unit]) => new Huge(Math.ceil(n / unit.length), unit) as V);
  const weirdStrings = fc.constantFrom<V>(
    '', ' ', '\u0000', `a\u0000${marker}`, '\ud800', '\udfff tail', '\u202e\u200b\ufeff', "'; DROP TABLE inference_log; --", '%s%n%x%p', '../../../../etc/passwd',
    '${jndi:ldap://127.0.0.1:9/x}', '{{7*7}}', '<script>alert(1)</script>', marker, `  ${marker}  `, '\r\n\r\nX-Injected: 1', 'null', 'undefined', 'NaN',
  );
  const wrongJsonType = fc.oneof(
    fc.integer().map((n) => n as V),
    fc.double({ noNaN: true, noDefaultInfinity: true }).map((n) => n as V),
    fc.boolean().map((b) => b as V),
    fc.array(fc.string({ maxLength: 5 }), { maxLength: 3 }).map((a) => a as V),
    fc.dictionary(fc.string({ maxLength: 5 }), fc.string({ maxLength: 5 }), { maxKeys: 3 }).map((o) => o as V),
  );
  const validString = fc.oneof(
    { weight: 3, arbitrary: fc.constantFrom<V>(...seeded.strings, 'fuzz-v1', 'support-bot-v6', 'qwen-pii', 'http://127.0.0.1:9/hook', 'accuracy', 'user_negative') },
    { weight: 2, arbitrary: fc.string({ maxLength: 24 }).map((s) => s as V) },
    { weight: 1, arbitrary: fc.constant<V>(marker) },
    { weight: 1, arbitrary: fc.constantFrom<V>(...seeded.requestIds) },
  );
  const forgedId = fc.oneof(
    fc.tuple(fc.constantFrom(...NODE_TYPE_NAMES), fc.uuid()).map(([t, u]) => b64(`${t}:${u}`) as V),
    fc.tuple(fc.constantFrom(...NODE_TYPE_NAMES), fc.constantFrom('-1', '0', '99999999999999999999', 'a\u0000', marker, 'x'.repeat(300), ' ', '1e9', 'not-a-uuid')).map(
      ([t, k]) => b64(`${t}:${k}`) as V,
    ),
    fc.constantFrom<V>(b64('Nope:1'), b64('LogEntry:'), b64(':x'), 'not base64!', '', marker, b64(marker), 'A'.repeat(401), 12345),
  );
  const datetimeHostile = fc.constantFrom<V>(
    '2024-13-45T00:00:00Z', '275760-09-13T00:00:01Z', '+275761-01-01T00:00:00Z', '0000-01-01T00:00:00Z', '-000001-01-01T00:00:00Z', '1969-12-31T23:59:59.999999999Z',
    '9999-12-31T23:59:59Z', '0001-01-01T00:00:00Z', '2024-01-01', '2024-01-01T00:00:00', '2024-01-01T00:00:00+25:00', marker, '', 1e15, -1, 'now',
  );
  const jsonObjectHostile = fc.oneof(
    fc.integer({ min: 1_000, max: 60_000 }).map((n) => new Deep(n, 'object') as V),
    fc.integer({ min: 1_000, max: 60_000 }).map((n) => new Deep(n, 'array') as V),
    fc.constantFrom<V>(
      new Raw('{"__proto__":{"isAdmin":true},"constructor":{"prototype":{"polluted":1}}}', '{__proto__: {isAdmin: true}}'),
      new Raw(`{"${'k'.repeat(100_000)}":1}`),
      new Raw(`{${Array.from({ length: 30_000 }, (_, i) => `"k${i}":${i}`).join(',')}}`),
      new Raw(`{"note":${JSON.stringify(`${marker} `.repeat(2000))}}`),
      { email: marker, nested: { deeper: [marker, { x: marker }] } },
      [1, 2, 3],
      'a string',
      42,
    ),
  );

  const memo = new Map<string, fc.Arbitrary<V>>();
  /** Values of the right type (`valid`) or not (`hostile`) for an input type of the schema. */
  function valueArb(type: GraphQLInputType, mode: 'valid' | 'hostile', depth: number): fc.Arbitrary<V> {
    const key = `${String(type)}|${mode}|${depth}`;
    const hit = memo.get(key);
    if (hit) return hit;
    const arb = makeValueArb(type, mode, depth);
    memo.set(key, arb);
    return arb;
  }
  function makeValueArb(type: GraphQLInputType, mode: 'valid' | 'hostile', depth: number): fc.Arbitrary<V> {
    if (isNonNullType(type)) {
      const inner = valueArb(type.ofType as GraphQLInputType, mode, depth);
      return mode === 'hostile' ? fc.oneof({ weight: 8, arbitrary: inner }, { weight: 1, arbitrary: fc.constant<V>(null) }) : inner;
    }
    if (isListType(type)) {
      const item = type.ofType as GraphQLInputType;
      if (mode === 'valid' || depth > 3) return fc.array(valueArb(item, 'valid', depth + 1), { maxLength: 3 });
      return fc.oneof(
        fc.array(valueArb(item, 'hostile', depth + 1), { minLength: 1, maxLength: 3 }),
        fc.tuple(fc.oneof({ weight: 5, arbitrary: fc.integer({ min: 501, max: 3_000 }) }, { weight: 1, arbitrary: fc.integer({ min: 3_000, max: 20_000 }) }), valueArb(item, 'valid', depth + 1), fc.boolean()).map(([n, v, vary]) => new Rep(n, v, vary) as V),
        valueArb(item, 'valid', depth + 1), // a single value where a list goes (GraphQL coerces it)
        valueArb(item, 'valid', depth + 1).map((v) => [[v]] as V),
        fc.integer({ min: 1_000, max: 30_000 }).map((n) => new Deep(n, 'array') as V),
        fc.constant<V>([null]),
      );
    }
    const named = getNamedType(type) as GraphQLNamedType;
    if (isEnumType(named)) {
      const values = named.getValues().map((v) => v.name);
      if (mode === 'valid') return fc.constantFrom(...values).map((v) => new EnumLit(v) as V);
      return fc.oneof(
        fc.constantFrom(...values).map((v) => new EnumLit(v.toLowerCase()) as V),
        fc.constantFrom<V>(new EnumLit('NOT_A_VALUE'), new EnumLit(marker), new EnumLit(''), new EnumLit('null'), new EnumLit('ADMIN'), new EnumLit('THUMBS_DOWN')),
        wrongJsonType,
      );
    }
    if (isInputObjectType(named)) {
      const fields = Object.values(named.getFields());
      if (depth > 4) return fc.constant<V>({});
      const validRecord = fc
        .tuple(
          ...fields.map((f) =>
            isNonNullType(f.type)
              ? valueArb(f.type, 'valid', depth + 1)
              : fc.option(valueArb(f.type as GraphQLInputType, 'valid', depth + 1), { nil: undefined, freq: 2 }),
          ),
        )
        .map((vals) => Object.fromEntries(fields.map((f, i) => [f.name, vals[i]]).filter(([, v]) => v !== undefined)) as V);
      if (mode === 'valid') return validRecord;
      return fc.oneof(
        { weight: 5, arbitrary: fc.constantFrom(...fields).chain((f) => fc.tuple(validRecord, valueArb(f.type, 'hostile', depth + 1)).map(([r, h]) => ({ ...(r as object), [f.name]: h }) as V)) },
        {
          weight: 1,
          arbitrary: fc.tuple(validRecord, fc.constantFrom(...fields)).map(([r, f]) => {
            const copy = { ...(r as Record<string, V>) };
            delete copy[f.name];
            return copy as V;
          }),
        },
        { weight: 1, arbitrary: fc.tuple(validRecord, fc.constantFrom('unknownField', marker, 'x'.repeat(5000), 'constructor')).map(([r, k]) => ({ ...(r as object), [k]: marker }) as V) },
        { weight: 1, arbitrary: wrongJsonType },
        { weight: 1, arbitrary: fc.integer({ min: 1_000, max: 30_000 }).map((n) => new Deep(n, 'object') as V) },
      );
    }
    switch (named.name) {
      case 'String':
        if (mode === 'valid') return validString;
        return fc.oneof({ weight: 3, arbitrary: weirdStrings }, { weight: 1, arbitrary: hugeString }, { weight: 2, arbitrary: forgedCursor }, { weight: 2, arbitrary: wrongJsonType }, {
          weight: 1,
          arbitrary: fc.string({ unit: 'binary', maxLength: 60 }).map((s) => s as V),
        });
      case 'ID':
        if (mode === 'valid') return seeded.ids.length ? fc.oneof(fc.constantFrom<V>(...seeded.ids), forgedId) : forgedId;
        return fc.oneof(forgedId, hugeString, weirdStrings, wrongJsonType);
      case 'Int':
        if (mode === 'valid') return fc.integer({ min: 0, max: 600 });
        return fc.oneof(
          fc.constantFrom<V>(-1, -2147483648, 2147483647, 2147483648, -2147483649, 1e20, 1.5, Number.MAX_SAFE_INTEGER, '12', true, new Raw('1e400'), new Raw('123456789012345678901234567890')),
          fc.integer(),
          wrongJsonType,
        );
      case 'SafeInt':
        if (mode === 'valid') return fc.integer({ min: 0, max: 1_000_000 });
        return fc.constantFrom<V>(2 ** 53, 2 ** 53 + 2, -(2 ** 53), 1e300, 1.5, -1, '9007199254740993', new Raw('9007199254740993'), new Raw('1e400'), true);
      case 'Float':
        if (mode === 'valid') return fc.oneof(fc.double({ min: 0, max: 1, noNaN: true }), fc.double({ min: -10, max: 100, noNaN: true }), fc.integer({ min: 0, max: 48 }));
        return fc.oneof(fc.constantFrom<V>(1e308, -1e308, 5e-324, -0, 1.7976931348623157e308, '0.5', true, new Raw('1e400'), new Raw('-1e400')), wrongJsonType);
      case 'Boolean':
        if (mode === 'valid') return fc.boolean();
        return fc.constantFrom<V>('true', 1, 0, 'false', [], {});
      case 'DateTime':
        if (mode === 'valid') {
          // Mostly the recent past (what a real client sends), sometimes the future.
          const now = Date.now();
          return fc.oneof(
            { weight: 4, arbitrary: fc.integer({ min: now - 30 * 86_400_000, max: now - 60_000 }).map((t) => new Date(t).toISOString()) },
            { weight: 1, arbitrary: fc.date({ min: new Date('2020-01-01T00:00:00Z'), max: new Date('2030-01-01T00:00:00Z'), noInvalidDate: true }).map((d) => d.toISOString()) },
          );
        }
        return fc.oneof(datetimeHostile, wrongJsonType);
      case 'JSONObject':
        if (mode === 'valid') {
          return fc.dictionary(fc.string({ maxLength: 8 }), fc.oneof(fc.string({ maxLength: 20 }), fc.integer(), fc.boolean(), fc.constant(marker)), { maxKeys: 5 }) as fc.Arbitrary<V>;
        }
        return jsonObjectHostile;
      default:
        return mode === 'valid' ? validString : fc.oneof(weirdStrings, wrongJsonType);
    }
  }

  // ---------- selections ----------
  const selMemo = new Map<string, fc.Arbitrary<string>>();
  function selectionArb(type: GraphQLNamedType, depth: number): fc.Arbitrary<string> {
    const key = `${type.name}|${depth}`;
    const hit = selMemo.get(key);
    if (hit) return hit;
    let arb: fc.Arbitrary<string>;
    if (isObjectType(type)) {
      const candidates = Object.values(type.getFields()).filter((f) => !f.args.some((a) => isNonNullType(a.type)) && (isLeafType(getNamedType(f.type)) || depth > 0));
      arb =
        candidates.length === 0
          ? fc.constant('__typename')
          : fc
              .subarray(candidates, { minLength: 1, maxLength: Math.min(6, candidates.length) })
              .chain((chosen) =>
                fc.tuple(
                  ...chosen.map((f) => {
                    const nt = getNamedType(f.type) as GraphQLNamedType;
                    return isLeafType(nt) ? fc.constant(f.name) : fc.constant(null).chain(() => selectionArb(nt, depth - 1)).map((s) => `${f.name} { ${s} }`);
                  }),
                ),
              )
              .map((parts) => parts.join(' '));
    } else if (isInterfaceType(type) || isUnionType(type)) {
      const possible = schema.getPossibleTypes(type);
      arb = fc
        .subarray([...possible], { minLength: 0, maxLength: Math.min(3, possible.length) })
        .chain((ts) => fc.tuple(...ts.map((t) => fc.constant(null).chain(() => selectionArb(t, Math.max(0, depth - 1))).map((s) => `... on ${t.name} { ${s} }`))))
        .map((parts) => ['__typename', ...parts].join(' '));
    } else arb = fc.constant('');
    selMemo.set(key, arb);
    return arb;
  }

  // ---------- family: operations derived from the schema ----------
  const rootFields: { op: 'query' | 'mutation'; field: GraphQLField<unknown, unknown> }[] = [
    ...Object.values(schema.getQueryType()!.getFields()).map((field) => ({ op: 'query' as const, field })),
    ...Object.values(schema.getMutationType()!.getFields()).map((field) => ({ op: 'mutation' as const, field })),
  ];
  const keyChoice = fc.oneof(
    { weight: 14, arbitrary: fc.constant<string | null>(keys.admin) },
    { weight: 1, arbitrary: fc.constant<string | null>(null) },
    { weight: 1, arbitrary: fc.constantFrom<string | null>(keys.ingest, keys.read, keys.feedback, keys.annotate) },
    { weight: 1, arbitrary: fc.constantFrom<string | null>(keys.revoked, 'fw_0000000000000000000000000000000000000000', marker) },
  );
  const schemaOp = fc
    .constantFrom(...rootFields)
    .chain(({ op, field }) => {
      const nt = getNamedType(field.type) as GraphQLNamedType;
      const args = field.args.map((a) =>
        fc
          .oneof(
            { weight: isNonNullType(a.type) ? 0 : 2, arbitrary: fc.constant<{ mode: string; v?: V }>({ mode: 'omit' }) },
            // A paging cursor forged for this very list: it passes the list-name check and reaches the key values' checks.
            { weight: a.name === 'after' || a.name === 'before' ? 3 : 0, arbitrary: forgedCursorOf(field.name).map((v) => ({ mode: 'hostile', v })) },
            { weight: 5, arbitrary: valueArb(a.type, 'valid', 0).map((v) => ({ mode: 'valid', v })) },
            { weight: 4, arbitrary: valueArb(a.type, 'hostile', 0).map((v) => ({ mode: 'hostile', v })) },
            { weight: 1, arbitrary: fc.constant<{ mode: string; v?: V }>({ mode: 'null', v: null }) },
          )
          .map((x) => ({ arg: a, ...x })),
      );
      return fc.record({
        op: fc.constant(op),
        field: fc.constant(field),
        args: fc.tuple(...args),
        style: fc.oneof(
          { weight: 6, arbitrary: fc.constant('variables') },
          { weight: 3, arbitrary: fc.constant('inline') },
          { weight: 1, arbitrary: fc.constant('wrong-variable-type') },
        ),
        selection: isLeafType(nt) ? fc.constant('') : selectionArb(nt, 2),
        key: keyChoice,
        // An argument the field does not have, 1 time in 15.
        extraArg: fc.oneof({ weight: 14, arbitrary: fc.constant(null) }, { weight: 1, arbitrary: fc.constantFrom('bogus: 1', `bogus: "${marker}"`) }),
      });
    })
    .map(({ op, field, args, style, selection, key, extraArg }): RequestSpec => {
      const given = args.filter((a) => a.mode !== 'omit');
      const build = () => {
        const variables: Record<string, V> = {};
        const defs: string[] = [];
        const passed: string[] = [];
        for (const a of given) {
          if (style === 'inline') passed.push(`${a.arg.name}: ${toLiteral(a.v)}`);
          else {
            variables[a.arg.name] = a.v!;
            const declared = style === 'wrong-variable-type' && a.mode === 'hostile' ? (String(a.arg.type).includes('Int') ? 'String' : 'Int') : String(a.arg.type);
            defs.push(`$${a.arg.name}: ${declared}`);
            passed.push(`${a.arg.name}: $${a.arg.name}`);
          }
        }
        if (extraArg) passed.push(extraArg);
        const query = `${op} Fuzz${defs.length ? `(${defs.join(', ')})` : ''} { ${field.name}${passed.length ? `(${passed.join(', ')})` : ''}${selection ? ` { ${selection} }` : ''} }`;
        return queryBody(query, style === 'inline' ? undefined : variables)();
      };
      return gqlPost(`schema:${op}`, build, key);
    });

  // ---------- hand-written families ----------
  const validBody = JSON.stringify({ query: '{ viewer { name scopes } }' });
  const brokenJson = fc
    .oneof(
      fc.constantFrom(
        '', '{', '}', '{"query":', '{"query":"{ viewer { name } }"', '{"query": "{ viewer }",}', "{'query': '{ viewer { name } }'}", 'null', '[]', '"string"', '123', 'true',
        '{"query": 123}', '{"query": null}', '{"query": ["{ viewer { name } }"]}', '{"query": {}}', '{"query":"{ viewer { name } }","variables":"not an object"}',
        '{"query":"{ viewer { name } }","variables":[]}', '{"query":"{ viewer { name } }","variables":5}', '{"query":"{ viewer { name } }","extensions":"x"}',
        '{"query":"{ viewer { name } }","operationName":5}', '{"query":"{ viewer { name } }","operationName":{}}', `[${validBody},${validBody}]`, `${validBody}garbage`,
        `\ufeff${validBody}`, '{"query":"{ viewer { name } }","query":"{ __typename }"}', '{"query":"\\ud800"}', '{"query":"\\u0000"}', '{"__proto__":{"query":"{ __typename }"}}',
        'NaN', '{"query":"{ viewer { name } }","variables":{"a":1e99999}}', `{"query":"${'\\\\'.repeat(1000)}"}`,
      ),
      fc.nat({ max: validBody.length - 1 }).map((n) => validBody.slice(0, n)),
      fc.uint8Array({ minLength: 1, maxLength: 400 }).map((b) => Buffer.from(b).toString('latin1')),
      fc.string({ unit: 'binary', maxLength: 200 }),
    )
    .map((text): RequestSpec => {
      const family = 'broken-json';
      return { family, build: () => ({ family, method: 'POST', path: '/graphql', headers: { 'content-type': 'application/json', authorization: `Bearer ${keys.admin}` }, body: text }) };
    });
  const invalidUtf8 = fc.constant<RequestSpec>({
    family: 'broken-json',
    build: () => ({
      family: 'broken-json',
      method: 'POST',
      path: '/graphql',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${keys.admin}` },
      body: Buffer.concat([Buffer.from('{"query":"{ viewer { name } }","variables":{"x":"'), Buffer.from([0xff, 0xfe, 0xc3, 0x28, 0xa0, 0xa1, 0xed, 0xa0, 0x80]), Buffer.from('"}}')]),
    }),
  });

  const deepJson = fc
    .tuple(
      fc.integer({ min: 10_000, max: 100_000 }),
      fc.constantFrom('body-array', 'body-object', 'variables', 'extensions', 'metadata', 'query-object-literal', 'query-list-literal', 'ids-variable'),
    )
    .map(([n, where]): RequestSpec => {
      const family = 'deep-json';
      const build = (): string => {
        const obj = toJson(new Deep(n, 'object'));
        switch (where) {
          case 'body-array':
            return toJson(new Deep(n, 'array'));
          case 'body-object':
            return `{"query":${obj}}`;
          case 'variables':
            return `{"query":"query($m: JSONObject) { __typename }","variables":{"m":${obj}}}`;
          case 'extensions':
            return `{"query":"{ __typename }","extensions":${obj}}`;
          case 'metadata':
            return queryBody('mutation($input: LogInferenceInput!) { logInference(input: $input) { requestId } }', {
              input: { modelVersion: 'fuzz-v1', prompt: marker, response: 'r', latencyMs: 1, metadata: new Deep(n, 'object') },
            })();
          case 'query-object-literal':
            return JSON.stringify({ query: `{ logEntries(filter: ${toLiteral(new Deep(Math.min(n, 50_000), 'object'))}) { nodes { id } } }` });
          case 'query-list-literal':
            return JSON.stringify({ query: `{ nodes(ids: ${toLiteral(new Deep(Math.min(n, 50_000), 'array'))}) { id } }` });
          default:
            return `{"query":"query($ids: [ID!]!) { nodes(ids: $ids) { id } }","variables":{"ids":${toJson(new Deep(n, 'array'))}}}`;
        }
      };
      return gqlPost(family, build);
    });

  const contentTypes = fc
    .tuple(
      fc.constantFrom(
        'text/plain', 'text/plain;charset=utf-8', 'application/x-www-form-urlencoded', 'multipart/form-data; boundary=x', 'application/xml', 'application/graphql',
        'application/json; charset=utf-16', 'application/jsonx', 'application/json;;;', 'APPLICATION/JSON', 'application/graphql-response+json', '*/*', 'json', 'text/html',
        'application/octet-stream', `application/${'x'.repeat(5000)}`, '',
      ),
      fc.constantFrom(validBody, 'query={viewer{name}}', '--x\r\nContent-Disposition: form-data; name="query"\r\n\r\n{ viewer { name } }\r\n--x--', '<query/>', '{ viewer { name } }'),
    )
    .map(([ct, body]): RequestSpec => {
      const family = 'content-type';
      return { family, build: () => ({ family, method: 'POST', path: '/graphql', headers: { ...(ct ? { 'content-type': ct } : {}), authorization: `Bearer ${keys.admin}` }, body }) };
    });

  const getQueries = fc
    .tuple(
      fc.constantFrom(
        'query={viewer{name}}', 'query=mutation{compactLogs(input:{}){job{id}}}', 'query={', 'query=', '', 'query={viewer{name}}&variables={', 'query={viewer{name}}&variables=[]',
        'query={viewer{name}}&extensions=x', 'query={viewer{name}}&operationName=Nope', 'variables={}', 'query=%7B__typename%7D', 'query=%ZZ', `query=${encodeURIComponent(`{ logEntry(requestId: "${marker}") { id } }`)}`,
        `query=${encodeURIComponent('{ logEntries(first: 500) { nodes { id requestId tags { name } } } }')}`, 'query={__schema{types{name}}}', 'query={viewer{name}}&query={__typename}',
        `query=${'%7B'.repeat(3000)}`, `query={__typename}&x=${'a'.repeat(12_000)}`, `query={__typename}&x=${'a'.repeat(20_000)}`,
      ),
      fc.constantFrom('application/json', 'text/html', 'application/graphql-response+json', 'image/png', '*/*', ''),
      keyChoice,
    )
    .map(([qs, accept, key]): RequestSpec => {
      const family = 'get';
      return {
        family,
        build: () => ({
          family,
          method: 'GET',
          path: `/graphql${qs ? `?${qs}` : ''}`,
          headers: { ...(accept ? { accept } : {}), ...(key ? { authorization: `Bearer ${key}` } : {}), 'apollo-require-preflight': 'true' },
        }),
      };
    });

  const methods = fc
    .tuple(
      fc.constantFrom('PUT', 'DELETE', 'PATCH', 'HEAD', 'OPTIONS', 'GET', 'POST', 'PROPFIND', 'FOO'),
      fc.constantFrom('/graphql', '/healthz', '/readyz', '/metrics', '/exports/x/train.jsonl', `/exports/${b64('DatasetVersion:00000000-0000-0000-0000-000000000000')}/../../etc/passwd`, '/', '/GRAPHQL', '/graphql/', '//graphql', '/%00', '/graphql%00', '/nope'),
      fc.boolean(),
    )
    .map(([method, path, withBody]): RequestSpec => {
      const family = 'method';
      return {
        family,
        build: () => ({
          family,
          method,
          path,
          headers: { 'content-type': 'application/json', authorization: `Bearer ${keys.admin}`, origin: 'https://evil.example.com' },
          ...(withBody && method !== 'GET' && method !== 'HEAD' ? { body: validBody } : {}),
        }),
      };
    });

  const aliasBombs = fc
    .oneof(
      { weight: 12, arbitrary: fc.integer({ min: 1_000, max: 8_000 }).map((n) => ({ n, field: '__typename' })) },
      { weight: 6, arbitrary: fc.integer({ min: 1_000, max: 2_000 }).map((n) => ({ n, field: 'viewer { name scopes }' })) },
      // Small pages here: the page-size-500 variant is listMaxPageAliasBombs, sent a fixed few times.
      { weight: 2, arbitrary: fc.tuple(fc.integer({ min: 1_000, max: 1_200 }), fc.integer({ min: 1, max: 3 })).map(([n, first]) => ({ n, field: `logEntries(first: ${first}) { nodes { id requestId tags { name } } }` })) },
      { weight: 1, arbitrary: fc.constant({ n: 1_000, field: 'apiKeys(first: 3) { totalCount nodes { id name } }' }) },
      { weight: 2, arbitrary: fc.integer({ min: 1_000, max: 1_500 }).map((n) => ({ n, field: `node(id: "${seeded.ids[0] ?? b64('LogEntry:x')}") { id }` })) },
      { weight: 4, arbitrary: fc.integer({ min: 2_000, max: 10_000 }).map((n) => ({ n, field: '__typename', noAlias: true })) },
    )
    .map(({ n, field, noAlias }: { n: number; field: string; noAlias?: boolean }): RequestSpec => {
      const family = field === '__typename' ? (noAlias ? 'alias-bomb:repeated-field' : 'alias-bomb:__typename') : `alias-bomb:${field.split(/[ ({]/)[0]}`;
      return gqlPost(family, queryBody(() => `{ ${Array.from({ length: n }, (_, i) => (noAlias ? field : `a${i}: ${field}`)).join(' ')} }`));
    });

  const fragmentBombs = fc
    .oneof(
      fc.integer({ min: 2, max: 500 }).map((n) => ({ kind: 'cycle', n, w: 0 })),
      fc.tuple(fc.integer({ min: 10, max: 60 }), fc.integer({ min: 2, max: 4 })).map(([n, w]) => ({ kind: 'laughs', n, w })),
      fc.tuple(fc.integer({ min: 10, max: 40 }), fc.integer({ min: 2, max: 3 })).map(([n, w]) => ({ kind: 'laughs-fields', n, w })),
      fc.integer({ min: 1_000, max: 4_000 }).map((n) => ({ kind: 'many-fragments', n, w: 0 })),
      fc.integer({ min: 1_000, max: 10_000 }).map((n) => ({ kind: 'spread-same', n, w: 0 })),
      fc.constant({ kind: 'self', n: 1, w: 0 }),
      fc.constant({ kind: 'unknown', n: 1, w: 0 }),
    )
    .map(({ kind, n, w }): RequestSpec => {
      const family = `fragments:${kind}`;
      const build = (): string => {
        const spreads = (i: number) => Array.from({ length: w }, () => `...F${i - 1}`).join(' ');
        switch (kind) {
          case 'cycle':
            return JSON.stringify({ query: `{ ...F0 } ${Array.from({ length: n }, (_, i) => `fragment F${i} on Query { __typename ...F${(i + 1) % n} }`).join(' ')}` });
          case 'laughs':
            return JSON.stringify({ query: `{ ...F${n - 1} } fragment F0 on Query { __typename } ${Array.from({ length: n - 1 }, (_, k) => `fragment F${k + 1} on Query { ${spreads(k + 1)} }`).join(' ')}` });
          case 'laughs-fields':
            return JSON.stringify({
              query: `{ ...F${n - 1} } fragment F0 on Query { viewer { name } } ${Array.from({ length: n - 1 }, (_, k) => `fragment F${k + 1} on Query { viewer { name scopes } a${k}: __typename ${spreads(k + 1)} }`).join(' ')}`,
            });
          case 'many-fragments':
            return JSON.stringify({ query: `{ ${Array.from({ length: n }, (_, i) => `...F${i}`).join(' ')} } ${Array.from({ length: n }, (_, i) => `fragment F${i} on Query { f${i}: __typename }`).join(' ')}` });
          case 'spread-same':
            return JSON.stringify({ query: `{ ${'...F '.repeat(n)} } fragment F on Query { viewer { name } __typename }` });
          case 'self':
            return JSON.stringify({ query: '{ ...F } fragment F on Query { ...F }' });
          default:
            return JSON.stringify({ query: '{ ...Missing }' });
        }
      };
      return gqlPost(family, build);
    });

  const deepSelections = fc
    .tuple(
      fc.integer({ min: 100, max: 30_000 }),
      fc.constantFrom('inline-fragments', 'deployments.replaces', 'datasetVersion.parent', 'trainingRuns.datasetVersion', 'braces', 'directives', 'introspection'),
    )
    .map(([n, kind]): RequestSpec => {
      const family = `deep-selection:${kind}`;
      const build = (): string => {
        switch (kind) {
          case 'inline-fragments':
            return JSON.stringify({ query: `{ ${'... on Query { '.repeat(n)}__typename${' }'.repeat(n)} }` });
          case 'deployments.replaces':
            return JSON.stringify({ query: `{ deployments(modelLine: "qwen-pii") { nodes { ${'replaces { '.repeat(n)}id${' }'.repeat(n)} } } }` });
          case 'datasetVersion.parent':
            return JSON.stringify({ query: `{ datasetVersions { nodes { ${'parent { '.repeat(n)}id${' }'.repeat(n)} } } }` });
          case 'trainingRuns.datasetVersion':
            return JSON.stringify({ query: `{ trainingRuns { nodes { ${'datasetVersion { trainingRuns { '.repeat(Math.ceil(n / 2))}id${' } }'.repeat(Math.ceil(n / 2))} } } }` });
          case 'braces':
            return JSON.stringify({ query: '{'.repeat(n) });
          case 'directives':
            return JSON.stringify({ query: `{ __typename ${'@include(if: true) '.repeat(Math.min(n, 3_000))}}` });
          default:
            return JSON.stringify({ query: `{ __schema { types { ${'fields { type { '.repeat(Math.min(n, 2_000))}name${' } }'.repeat(Math.min(n, 2_000))} } } }` });
        }
      };
      return gqlPost(family, build);
    });

  let batchSeq = 0;
  const batchItem = (i: number, bad: boolean, kind: number): V => {
    const item: Record<string, V> = { requestId: `fuzz-batch-${ctx.markerToken.slice(-8)}-${++batchSeq}-${i}`, modelVersion: 'fuzz-v1', prompt: `question ${i} from ${marker}`, response: 'answer', latencyMs: 5 };
    if (!bad) return item;
    switch (kind % 8) {
      case 0:
        return { ...item, latencyMs: marker };
      case 1:
        return { ...item, prompt: new Huge(70_000, 'x') };
      case 2:
        return { ...item, occurredAt: marker };
      case 3:
        return { ...item, metadata: new Raw(`{"k":${JSON.stringify(`${marker} `.repeat(1_000))}}`) };
      case 4:
        return { ...item, requestId: `${marker}\u0000` };
      case 5:
        return { ...item, responseLogprob: 5 };
      case 6: {
        const { modelVersion: _omit, ...rest } = item;
        return rest;
      }
      default:
        return { ...item, userId: new Huge(3_000, `${marker} `) };
    }
  };
  const batches = fc
    .tuple(
      fc.constantFrom(0, 1, 10, 100, 500, 500, 999, 1000, 1000, 1001, 2_000, 5_000, 20_000),
      fc.integer({ min: 0, max: 5 }),
      fc.integer({ min: 0, max: 7 }),
      fc.constantFrom('logInferences', 'reportGroundTruths'),
      fc.oneof({ weight: 3, arbitrary: fc.constant(undefined) }, { weight: 1, arbitrary: keyChoice }),
    )
    .map(([n, bad, kind, mutation, key]): RequestSpec => {
      const family = `batch:${mutation}`;
      const build = () => {
        const badAt = new Set(Array.from({ length: Math.min(bad, n) }, (_, k) => Math.floor(((k + 1) * n) / (bad + 1))));
        if (mutation === 'logInferences') {
          const items = Array.from({ length: n }, (_, i) => batchItem(i, badAt.has(i), kind + i));
          return queryBody('mutation($input: LogInferencesInput!) { logInferences(input: $input) { results { requestId created keepReasons } } }', { input: { items } })();
        }
        const items = Array.from({ length: n }, (_, i) =>
          badAt.has(i) ? { requestId: marker, expected: new Huge(70_000, 'y'), observedAt: marker } : { requestId: seeded.requestIds[i % Math.max(1, seeded.requestIds.length)] ?? 'x', expected: 'ok' },
        );
        return queryBody('mutation($input: ReportGroundTruthsInput!) { reportGroundTruths(input: $input) { __typename } }', { input: { items } as V })();
      };
      return gqlPost(family, build, key === undefined ? keys.ingest : key);
    });

  const auth = fc
    .constantFrom(
      undefined, '', 'Bearer', 'Bearer ', `Bearer ${keys.revoked}`, `Bearer ${keys.admin} extra`, `bearer ${keys.admin}`, `BEARER   ${keys.admin}   `, `Basic ${b64('admin:admin')}`,
      `Bearer ${keys.admin}x`, `Bearer ${keys.admin.slice(0, -1)}`, `Bearer fw_${'0'.repeat(64)}`, `Bearer ${'A'.repeat(8_000)}`, `Bearer ${marker}`, `Token ${keys.admin}`,
      `Bearer ${keys.admin}, Bearer ${keys.read}`, `Bearer\t${keys.admin}`, 'Bearer null', 'Bearer undefined', `Bearer ${keys.feedback}`, `Bearer ${keys.ingest}`,
    )
    .chain((header) =>
      fc
        .constantFrom('{ viewer { name scopes } }', '{ apiKeys { totalCount } }', 'mutation { compactLogs(input: {}) { job { id } } }', '{ logEntries(first: 1) { nodes { id } } }')
        .map((query): RequestSpec => {
          const family = 'auth';
          return {
            family,
            build: () => ({ family, method: 'POST', path: '/graphql', headers: { 'content-type': 'application/json', ...(header !== undefined ? { authorization: header } : {}) }, body: JSON.stringify({ query }) }),
          };
        }),
    );

  const misc = fc
    .constantFrom(
      { operationName: marker, query: '{ viewer { name } }' },
      { operationName: 'B', query: 'query A { viewer { name } } query B { __typename }' },
      { query: 'query A { viewer { name } } query B { __typename }' },
      { query: '{ viewer { name } } { __typename }' },
      { query: '{ viewer { name } }', extensions: { persistedQuery: { version: 1, sha256Hash: 'a'.repeat(64) } } },
      { extensions: { persistedQuery: { version: 1, sha256Hash: 'a'.repeat(64) } } },
      { query: '{ viewer { name @defer } }' },
      { query: '{ viewer { name @nope } }' },
      { query: 'subscription { viewer { name } }' },
      { query: `query(${Array.from({ length: 5_000 }, (_, i) => `$v${i}: Int`).join(', ')}) { __typename }` },
      { query: '{ __typename }', variables: Object.fromEntries(Array.from({ length: 20_000 }, (_, i) => [`v${i}`, i])) },
      { query: `{ logEntry(requestId: "${marker}") { id } }` },
      { query: `{ ${marker} }` },
      { query: `{ viewer(name: "${marker}") { name } }` },
      { query: `query { logEntry(requestId: "a" "${marker}") { id } }` },
      { query: `{ logEntry(requestId: ${JSON.stringify(`${marker}\u0000`)}) { id } }` },
      { query: `{ __type(name: "${marker}") { name } }` },
      { query: `# ${marker}\n{ __typename }` },
      { query: `"""${marker}""" query { __typename }` },
      { query: `query Q($x: String = "${marker}") { logEntry(requestId: $x) { id } }`, variables: { x: null } },
      { query: 'query($x: Int) { logEntries(first: $x) { nodes { id } } }', variables: { x: marker } },
      { query: 'query($x: NoSuchType) { __typename }' },
      { query: `{ __schema { ${'types { name fields { name type { name ofType { name ofType { name } } } } } '.repeat(1)}} }` },
    )
    .chain((body) =>
      fc.constantFrom('application/json', 'application/graphql-response+json', 'text/html', 'multipart/mixed', 'image/png;q=1, */*;q=0', '').map((accept): RequestSpec => {
        const family = 'misc';
        return gqlPost(family, JSON.stringify(body), keys.admin, accept ? { accept } : {});
      }),
    );

  return fc.oneof(
    { weight: 55, arbitrary: schemaOp },
    { weight: 5, arbitrary: fc.oneof({ weight: 9, arbitrary: brokenJson }, { weight: 1, arbitrary: invalidUtf8 }) },
    { weight: 4, arbitrary: deepJson },
    { weight: 4, arbitrary: contentTypes },
    { weight: 5, arbitrary: getQueries },
    { weight: 4, arbitrary: methods },
    { weight: 2, arbitrary: aliasBombs },
    { weight: 3, arbitrary: fragmentBombs },
    { weight: 3, arbitrary: deepSelections },
    { weight: 3, arbitrary: batches },
    { weight: 5, arbitrary: auth },
    { weight: 4, arbitrary: misc },
  );
}

/**
 * Thousands of aliases of a list field at the largest page (each alias is one SQL statement and a
 * full page of rows): sent a fixed few times, since each one costs the server far more than a drawn request.
 */
export function listMaxPageAliasBombs(key: string, aliases: number, count: number): RequestSpec[] {
  const family = 'alias-bomb:logEntries(first: 500)';
  const query = `{ ${Array.from({ length: aliases }, (_, i) => `a${i}: logEntries(first: 500) { nodes { id requestId prompt tags { name } } }`).join(' ')} }`;
  return Array.from({ length: count }, () => ({
    family,
    build: () => ({ family, method: 'POST', path: '/graphql', headers: { 'content-type': 'application/json', authorization: `Bearer ${key}` }, body: JSON.stringify({ query }) }),
  }));
}

/** A few very large bodies (over MAX_BODY_BYTES, default 64 MiB): sent once each, not drawn. */
export function oversizedBodies(key: string, maxBodyBytes: number): RequestSpec[] {
  const family = 'payload-too-large';
  const big = (text: string): RequestSpec => ({
    family,
    build: () => ({ family, method: 'POST', path: '/graphql', headers: { 'content-type': 'application/json', authorization: `Bearer ${key}` }, body: text }),
  });
  const variable = () => big(`{"query":"{ __typename }","variables":{"x":"${'x'.repeat(maxBodyBytes + 10)}"}}`).build();
  const query = () => big(`{"query":"${'{'.repeat(maxBodyBytes + 10)}"}`).build();
  return [variable, query, variable, query].map((build) => ({ family, build }));
}
