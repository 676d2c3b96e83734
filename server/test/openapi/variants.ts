import { charLength, type JsonSchema, jsonType, resolve } from './jsonSchema.js';
import { example, padTo, stringOf } from './samples.js';

/**
 * Proposes values for one place of a request, each breaking (or sitting exactly on the edge of) one
 * keyword of its schema: schemathesis' idea, deterministic and small. Whether a proposal is valid is
 * not decided here but by `validate`, against the whole request.
 */
export interface Proposal {
  /** Where in the request part the value goes (property names and item indexes). */
  path: (string | number)[];
  /** The value, or `undefined` to remove the property. */
  value: unknown;
  /** What the proposal tries, for failure messages and counts: `maxLength+1`, `missing required`… */
  keyword: string;
}

const ASTRAL = '\u{1F600}';
const BAD_FORMATS: Record<string, string[]> = {
  date: ['not-a-date', '2026-02-30', '2026-13-01'],
  'date-time': ['not-a-date', '2026-01-02T25:00:00Z', '2026-01-02'],
  email: ['not-an-email', 'someone@', '@example.com'],
  uri: ['not a uri', 'example.com/no-scheme', 'https://example.com/with space'],
};
/** Values the standard formats accept at their edges: a stricter server must say so in a pattern. */
const EDGE_FORMATS: Record<string, string[]> = {
  'date-time': ['2026-01-02t03:04:05z', '2026-12-31T23:59:60Z', '2026-01-02T03:04:05.123456+05:30'],
  email: ['a@b.c', 'first.last+tag@example.co.uk'],
  uri: ['urn:isbn:0451450523', 'https://example.com/p?q=1#frag'],
};
const WRONG_TYPES: [string, unknown][] = [
  ['string', 'text'],
  ['number', 12345],
  ['boolean', true],
  ['null', null],
  ['object', { a: 1 }],
  ['array', ['x']],
];

const typesOf = (s: JsonSchema) => (s.type === undefined ? [] : Array.isArray(s.type) ? s.type : [s.type]);

function stringProposals(s: JsonSchema, base: string, add: (value: unknown, keyword: string) => void) {
  const free = !s.pattern && !s.format;
  if (s.minLength !== undefined && s.minLength > 0) {
    add(padTo(base, s.minLength - 1, 'x'), 'minLength-1');
    add(stringOf(s, s.minLength), 'minLength');
  }
  // Text of only spaces, and text inside spaces: what a server that trims before checking gets wrong.
  if (free) {
    add(' '.repeat(Math.max(s.minLength ?? 0, 1)), 'blank');
    if (s.maxLength === undefined || charLength(base) + 2 <= s.maxLength) add(` ${base} `, 'surrounding spaces');
  }
  if (s.maxLength !== undefined) {
    add(stringOf(s, s.maxLength), 'maxLength');
    add(stringOf(s, s.maxLength + 1), 'maxLength+1');
    if (free) {
      add(padTo(base, s.maxLength + 1, ' '), 'maxLength+1 (trailing spaces)');
      add(ASTRAL.repeat(s.maxLength), 'maxLength in emoji');
      add(ASTRAL.repeat(s.maxLength + 1), 'maxLength+1 in emoji');
    }
  }
  if (s.pattern) {
    const pattern = new RegExp(s.pattern, 'u');
    const misfit = [`${base}!`, '!', ' ', 'not valid!'].find((candidate) => !pattern.test(candidate));
    if (misfit !== undefined) add(misfit, 'pattern mismatch');
  }
  for (const bad of BAD_FORMATS[s.format ?? ''] ?? []) add(bad, `format ${s.format}`);
  for (const edge of EDGE_FORMATS[s.format ?? ''] ?? []) add(edge, `format ${s.format} edge`);
}

function numberProposals(s: JsonSchema, integer: boolean, add: (value: unknown, keyword: string) => void) {
  const step = integer ? 1 : 0.5;
  if (integer) add(1.5, 'not an integer');
  if (s.minimum !== undefined) {
    add(s.minimum, 'minimum');
    add(s.minimum - step, 'minimum-1');
  }
  if (s.maximum !== undefined) {
    add(s.maximum, 'maximum');
    add(s.maximum + step, 'maximum+1');
  }
  if (s.exclusiveMinimum !== undefined) add(s.exclusiveMinimum, 'exclusiveMinimum');
  if (s.exclusiveMaximum !== undefined) add(s.exclusiveMaximum, 'exclusiveMaximum');
}

/** Every proposal for the value `base` of `schema` and, recursively, for the values inside it. */
export function proposals(schema: JsonSchema, base: unknown, root: unknown, path: (string | number)[] = []): Proposal[] {
  const s = resolve(schema, root);
  const out: Proposal[] = [];
  const add = (value: unknown, keyword: string) => out.push({ path, value, keyword });
  for (const branch of [...(s.anyOf ?? []), ...(s.oneOf ?? []), ...(s.allOf ?? [])])
    if (branch.type !== undefined || branch.$ref) out.push(...proposals(branch, base, root, path));
  const allowed = typesOf(s);
  if (allowed.length > 0) {
    for (const [type, value] of WRONG_TYPES)
      if (!allowed.includes(type) && !(type === 'number' && allowed.includes('integer'))) add(value, `type ${type}`);
    if (allowed.includes('null')) add(null, 'null');
  }
  if (s.enum) {
    for (const option of s.enum) add(option, 'enum value');
    add('not-in-the-enum', 'outside enum');
  }
  if (typeof base === 'string') stringProposals(s, base, add);
  if (typeof base === 'number') numberProposals(s, allowed.includes('integer'), add);
  if (Array.isArray(base)) {
    const item = base[0] ?? (s.items ? example(s.items, root) : 'x');
    if (s.maxItems !== undefined) {
      add(
        Array.from({ length: s.maxItems }, () => item),
        'maxItems',
      );
      add(
        Array.from({ length: s.maxItems + 1 }, () => item),
        'maxItems+1',
      );
    }
    if (s.minItems !== undefined && s.minItems > 0) add(base.slice(0, s.minItems - 1), 'minItems-1');
    else add([], 'empty array');
    if (s.items && base.length > 0) out.push(...proposals(s.items, base[0], root, [...path, 0]));
  }
  if (jsonType(base) === 'object') {
    const object = base as Record<string, unknown>;
    for (const key of s.required ?? []) out.push({ path: [...path, key], value: undefined, keyword: 'missing required' });
    if (s.additionalProperties === false)
      out.push({ path: [...path, 'unexpectedProperty'], value: 1, keyword: 'additional property' });
    const optional = Object.keys(s.properties ?? {}).filter((key) => !s.required?.includes(key) && key in object);
    for (const key of optional) out.push({ path: [...path, key], value: undefined, keyword: 'optional omitted' });
    if (optional.length > 1)
      add(Object.fromEntries(Object.entries(object).filter(([key]) => !optional.includes(key))), 'only required properties');
    for (const [key, property] of Object.entries(s.properties ?? {}))
      if (key in object) out.push(...proposals(property, object[key], root, [...path, key]));
  }
  return out;
}

/** A copy of `whole` with `value` set (or the property removed) at `path`. */
export function applyProposal<T>(whole: T, proposal: Pick<Proposal, 'path' | 'value'>): T {
  if (proposal.path.length === 0) return proposal.value as T;
  const copy = structuredClone(whole) as Record<string | number, unknown>;
  let node = copy;
  for (const key of proposal.path.slice(0, -1)) node = node[key] as Record<string | number, unknown>;
  const last = proposal.path[proposal.path.length - 1] as string | number;
  if (proposal.value === undefined) delete node[last];
  else node[last] = structuredClone(proposal.value);
  return copy as T;
}
