import { gzipSync } from 'node:zlib';
import type { z } from 'zod';
import type { ApiRoute } from './routeTable.js';

/** A JSON fragment written as is (lone surrogates, `1e999`, duplicate keys: what `JSON.stringify` cannot write). */
export class Raw {
  constructor(readonly json: string) {}
}

/** Serialises values with `Raw` fragments; own `__proto__`/`constructor` keys are written like any other key. */
export function toJson(value: unknown): string {
  if (value instanceof Raw) return value.json;
  if (Array.isArray(value)) return `[${value.map(toJson).join(',')}]`;
  if (value && typeof value === 'object')
    return `{${Object.entries(value)
      .map(([key, item]) => `${JSON.stringify(key)}:${toJson(item)}`)
      .join(',')}}`;
  return JSON.stringify(value) ?? 'null';
}

export interface HostileCase {
  name: string;
  /** Query string (without `?`) or a replacement id for the path. */
  query?: string;
  id?: string;
  headers?: Record<string, string>;
  body?: string | Buffer | FormData;
  /** Must be refused with a 4xx (else a 2xx or a domain 4xx are both fine, never a 5xx). */
  mustReject: boolean;
  /** Exactly this status, where "some 4xx" is not enough (bad input is 400, never a domain 404). */
  status?: number;
  /** Token override: `null` sends none. */
  token?: string | null;
}

export const JSON_LIMIT_BYTES = 64 * 1024;
const MB = 1024 * 1024;

/** `[[[…]]]` / `{"a":{"a":…}}` this deep (the JSON parser and the validator must not blow the stack). */
export const deepArray = (depth: number) => new Raw(`${'['.repeat(depth)}${']'.repeat(depth)}`);
export const deepObject = (depth: number) => new Raw(`${'{"a":'.repeat(depth)}1${'}'.repeat(depth)}`);

/** Strings that trip naive code: lone surrogates, NUL, bidi overrides, noncharacters, combining runs, line separators. */
export const UNICODE_EDGES: Raw[] = [
  new Raw('"\\ud800"'),
  new Raw('"a\\udfffb"'),
  new Raw('"\\udc00\\ud800"'),
  new Raw('"nul\\u0000inside"'),
  new Raw('"\\u0000"'),
  new Raw('"\\u202egnp.exe"'),
  new Raw('"\\u2066isolate\\u2069\\u200f\\u200e"'),
  new Raw('"\\ufeffbom"'),
  new Raw('"\\uffff\\ufffe"'),
  new Raw('"zero\\u200bwidth\\u200d"'),
  new Raw('"line\\u2028sep\\u2029"'),
  new Raw(JSON.stringify(`e${'\u0301'.repeat(2000)}`)),
  new Raw(JSON.stringify('🏳️‍🌈👩‍👩‍👧‍👦'.repeat(200))),
  new Raw(JSON.stringify('$where')),
  new Raw(JSON.stringify('{"$gt":""}')),
];

/** Values no string, number, boolean or enum field should take as itself. */
const OPERATORS: unknown[] = [
  { $gt: '' },
  { $ne: null },
  { $where: 'sleep(1000)' },
  { $regex: '.*' },
  { $in: [] },
  [{ $gt: '' }],
];
/** Script and data URLs (any case, padded, encoded) that no `...Url` field may store. */
export const HOSTILE_URLS = [
  'javascript:alert(1)',
  'JaVaScRiPt:alert(1)',
  ' javascript:alert(1)',
  'javascript://example.com/%0aalert(1)',
  'data:text/html,<script>alert(1)</script>',
  'vbscript:msgbox(1)',
  'file:///etc/passwd',
  'ftp://example.com/x',
];
const PROTO_VALUES: unknown[] = [{ ['__proto__']: { polluted: 'yes' } }, { constructor: { prototype: { polluted: 'yes' } } }];

type Kind = 'string' | 'number' | 'boolean' | 'array' | 'object' | 'enum' | 'other';

/** The field's base kind, under optional/default/nullable/pipe wrappers. */
export function kindOf(schema: z.ZodType): Kind {
  let def = (schema as unknown as { _zod: { def: { type: string; innerType?: z.ZodType; in?: z.ZodType } } })._zod.def;
  for (let i = 0; i < 10; i++) {
    const inner = def.innerType ?? (def.type === 'pipe' ? def.in : undefined);
    if (!inner) break;
    def = (inner as unknown as typeof schema & { _zod: { def: typeof def } })._zod.def;
  }
  return (['string', 'number', 'boolean', 'array', 'object', 'enum'] as const).find((k) => k === def.type) ?? 'other';
}

function wrongTypes(kind: Kind): unknown[] {
  const all: Record<Kind, unknown[]> = {
    string: [123, true, null, [], {}, ['a'], new Raw('1e999')],
    number: ['1', null, [], {}, true, new Raw('1e999'), new Raw('-1e999'), 1.5e300, -1],
    boolean: ['true', 1, 0, null, [], {}],
    array: ['x', 1, {}, null, true, { 0: 'a', length: 1 }],
    object: ['x', 1, [], null, true],
    enum: ['UP', 'up ', 1, null, [], {}],
    other: [1, 'x', null, [], {}],
  };
  return all[kind];
}

/** Every hostile body for a JSON route, built from its zod schema and a valid body. */
export function hostileBodies(route: ApiRoute, valid: () => Record<string, unknown>): HostileCase[] {
  const schema = route.body as z.ZodObject | undefined;
  const shape = (schema?.shape ?? {}) as Record<string, z.ZodType>;
  const cases: { name: string; value: unknown; raw?: string; mustReject?: boolean }[] = [];
  const add = (name: string, value: unknown, mustReject?: boolean) => cases.push({ name, value, mustReject });
  const raw = (name: string, text: string, mustReject?: boolean) => cases.push({ name, value: undefined, raw: text, mustReject });

  // The whole body.
  raw('empty body (read as {})', '');
  for (const text of [' ', '{', '{"a":', '{"a" 1}', "{'a':1}", '{"a":1}x', '[1,]', 'null', 'true', '1', '"x"', 'NaN', '\u0000'])
    raw(`malformed ${JSON.stringify(text)}`, text, true);
  // A byte-order mark before JSON is tolerated by the parser: fine either way.
  raw('BOM then a valid body', `\uFEFF${toJson(valid())}`, false);
  add('empty object', {});
  add('array body', [valid()]);
  add('deep array body (10k)', deepArray(10_000), true);
  add('deep object body (10k)', deepObject(10_000), true);
  raw('unbalanced deep array (30k)', '['.repeat(30_000), true);
  add(
    'duplicate key with an operator',
    new Raw(`{${toJson(valid()).slice(1, -1)},"${Object.keys(shape)[0] ?? 'x'}":{"$gt":""}}`),
  );
  add('extra field', { ...valid(), extra: 1 });
  add('$set at the top', { ...valid(), $set: { tenantId: 'other' } });
  add('dotted key', { ...valid(), 'a.b': 1 });
  add('__proto__ key', { ...valid(), ['__proto__']: { polluted: 'yes', tenantId: 'other' } });
  add('constructor.prototype key', { ...valid(), constructor: { prototype: { polluted: 'yes' } } });
  add('6 MB body', { ...valid(), pad: 'x'.repeat(6 * MB) }, true);

  for (const [field, fieldSchema] of Object.entries(shape)) {
    const kind = kindOf(fieldSchema);
    const without = { ...valid() };
    delete without[field];
    add(`missing ${field}`, without);
    for (const value of wrongTypes(kind)) add(`${field} as ${toJson(value).slice(0, 30)}`, { ...valid(), [field]: value });
    for (const value of OPERATORS) add(`${field} as operator ${toJson(value)}`, { ...valid(), [field]: value });
    for (const value of PROTO_VALUES) add(`${field} as ${toJson(value)}`, { ...valid(), [field]: value });
    add(`${field} nested 10k deep`, { ...valid(), [field]: deepArray(10_000) }, true);
    add(`${field} as a deep object`, { ...valid(), [field]: deepObject(5_000) }, true);
    add(`${field} as a 1 MB string`, { ...valid(), [field]: 'x'.repeat(MB) }, true);
    add(`${field} as a 60 KB string`, { ...valid(), [field]: 'y'.repeat(60_000) });
    add(`${field} as a 10k array`, { ...valid(), [field]: Array.from({ length: 10_000 }, () => 'a') });
    add(`${field} as a 1M array`, { ...valid(), [field]: new Raw(`[${'0,'.repeat(MB)}0]`) }, true);
    if (kind === 'string' && field.endsWith('Url'))
      for (const value of HOSTILE_URLS) add(`${field} as ${JSON.stringify(value)}`, { ...valid(), [field]: value }, true);
    if (kind === 'string')
      for (const [i, value] of UNICODE_EDGES.entries()) add(`${field} unicode edge ${i}`, { ...valid(), [field]: value });
    if (kind === 'array') {
      add(`${field} with wrong items`, { ...valid(), [field]: [1, null, { $gt: '' }] });
      add(`${field} with unicode items`, { ...valid(), [field]: UNICODE_EDGES.slice(0, 6) });
    }
  }

  return cases.map((c) => {
    const text = c.raw ?? toJson(c.value);
    return {
      name: c.name,
      headers: { 'content-type': 'application/json' },
      body: text,
      mustReject: c.mustReject ?? !acceptable(route, text),
    };
  });
}

/** Would the contract take this body? (The oracle: a body it rejects must get a 4xx.) */
export function acceptable(route: ApiRoute, text: string): boolean {
  if (Buffer.byteLength(text) > JSON_LIMIT_BYTES) return false;
  // The JSON parser reads an empty body as `{}`.
  if (text === '') return route.body ? route.body.safeParse({}).success : true;
  if (!/^[\s]*[[{]/.test(text)) return false;
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return false;
  }
  return route.body ? route.body.safeParse(value).success : true;
}

/** Content types and encodings a JSON route must refuse (415, 413 or 400). */
export function badContentTypes(validBody: string): HostileCase[] {
  const bomb = gzipSync(Buffer.alloc(20 * MB, 0x20));
  return [
    { name: 'text/plain', headers: { 'content-type': 'text/plain' }, body: validBody, mustReject: true },
    { name: 'form-urlencoded', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: 'a=1', mustReject: true },
    { name: 'xml', headers: { 'content-type': 'application/xml' }, body: '<a/>', mustReject: true },
    { name: 'no content type', headers: { 'content-type': '' }, body: validBody, mustReject: true },
    {
      name: 'json in utf-16',
      headers: { 'content-type': 'application/json; charset=utf-16' },
      body: validBody,
      mustReject: true,
    },
    {
      name: 'json in latin1',
      headers: { 'content-type': 'application/json; charset=latin1' },
      body: validBody,
      mustReject: true,
    },
    {
      name: 'multipart on a JSON route',
      headers: { 'content-type': 'multipart/form-data; boundary=x' },
      body: '--x\r\nContent-Disposition: form-data; name="a"\r\n\r\n1\r\n--x--\r\n',
      mustReject: true,
    },
    {
      name: 'gzip bomb (20 MB inflated)',
      headers: { 'content-type': 'application/json', 'content-encoding': 'gzip' },
      body: bomb,
      mustReject: true,
    },
    {
      name: 'gzip garbage',
      headers: { 'content-type': 'application/json', 'content-encoding': 'gzip' },
      body: Buffer.from('not gzip at all'),
      mustReject: true,
    },
    {
      name: 'unknown encoding',
      headers: { 'content-type': 'application/json', 'content-encoding': 'zstd' },
      body: validBody,
      mustReject: true,
    },
    {
      name: 'invalid UTF-8 bytes',
      headers: { 'content-type': 'application/json' },
      body: Buffer.concat([Buffer.from('{"x":"'), Buffer.from([0xff, 0xfe, 0xc0, 0xaf, 0xed, 0xa0, 0x80]), Buffer.from('"}')]),
      mustReject: true,
    },
  ];
}

/** Ids no route takes: wrong shapes, traversal, operators, encodings the router must survive. */
export const HOSTILE_IDS = [
  'x',
  '0'.repeat(23),
  '0'.repeat(25),
  'g'.repeat(24),
  'A'.repeat(24),
  '../../../etc/passwd',
  '..%2f..%2f',
  '{"$gt":""}',
  '[$ne]',
  "' OR 1=1 --",
  'a'.repeat(5000),
  '\u0000'.repeat(24),
  '\ud83d\ude00'.repeat(12),
  '__proto__',
  'constructor',
  ' '.repeat(24),
  'null',
  'undefined',
];
/** Raw (already encoded) path segments: malformed percent-encoding. */
export const HOSTILE_RAW_SEGMENTS = ['%', '%ff', '%E0%A4%A', '%00', '%2e%2e', '%c0%af', '%uD800'];

/** Query strings aimed at each query field of a route, and at the query as a whole. */
export function hostileQueries(route: ApiRoute): HostileCase[] {
  const shape = (route.query?.shape ?? {}) as Record<string, z.ZodType>;
  const keys = Object.keys(shape);
  const cases: HostileCase[] = [
    { name: 'unknown key', query: 'nope=1', mustReject: Boolean(route.query) },
    { name: '__proto__ key', query: '__proto__[polluted]=yes&__proto__=x', mustReject: Boolean(route.query) },
    { name: 'constructor key', query: 'constructor[prototype][polluted]=yes', mustReject: Boolean(route.query) },
    { name: '8 KB query', query: `pad=${'q'.repeat(8000)}`, mustReject: Boolean(route.query) },
  ];
  for (const key of keys) {
    const values = [
      '',
      'x'.repeat(300),
      '%00',
      '%ff',
      '%',
      '%7B%22%24gt%22%3A%22%22%7D',
      '-1',
      '1e9',
      'NaN',
      'Infinity',
      '0x10',
      '1.5',
      '%E2%80%AE',
      '%ED%A0%80',
    ];
    for (const value of values) cases.push({ name: `${key}=${value.slice(0, 20)}`, query: `${key}=${value}`, mustReject: false });
    cases.push(
      { name: `${key} twice`, query: `${key}=1&${key}=2`, mustReject: true },
      { name: `${key}[$gt]`, query: `${key}[$gt]=`, mustReject: true },
      { name: `${key}[]`, query: `${key}[]=1`, mustReject: true },
    );
  }
  return cases.map((c) => ({ ...c, mustReject: c.mustReject || !queryAcceptable(route, c.query ?? '') }));
}

function queryAcceptable(route: ApiRoute, query: string): boolean {
  if (!route.query) return true;
  const params = new URLSearchParams();
  let parsed: Record<string, string | string[]>;
  try {
    parsed = {};
    for (const part of query.split('&')) {
      if (!part) continue;
      const [k = '', v = ''] = part.split('=');
      const key = decodeURIComponent(k.replace(/\+/g, ' '));
      const value = decodeURIComponent(v.replace(/\+/g, ' '));
      params.append(key, value);
      const prev = parsed[key];
      parsed[key] = prev === undefined ? value : ([] as string[]).concat(prev, value);
    }
  } catch {
    // Malformed percent-encoding: Node's querystring keeps it as text; the schema decides.
    return true;
  }
  return route.query.safeParse(parsed).success;
}
