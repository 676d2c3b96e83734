/**
 * The part of JSON Schema 2020-12 that an OpenAPI 3.1 document of ours uses, read the way the
 * standard reads it (lengths in characters, i.e. code points; patterns unanchored ECMA-262). It is
 * the oracle of the conformance suite: it decides from the document alone whether a request is valid,
 * independently of the zod schemas the server validates with.
 */
export interface JsonSchema {
  $ref?: string;
  type?: string | string[];
  enum?: unknown[];
  const?: unknown;
  anyOf?: JsonSchema[];
  oneOf?: JsonSchema[];
  allOf?: JsonSchema[];
  properties?: Record<string, JsonSchema>;
  required?: string[];
  additionalProperties?: boolean | JsonSchema;
  items?: JsonSchema;
  minItems?: number;
  maxItems?: number;
  uniqueItems?: boolean;
  minLength?: number;
  maxLength?: number;
  pattern?: string;
  format?: string;
  minimum?: number;
  maximum?: number;
  exclusiveMinimum?: number;
  exclusiveMaximum?: number;
  default?: unknown;
  description?: string;
}

/** Resolves local `$ref`s (`#/components/schemas/X`) against the whole document. */
export function resolve(schema: JsonSchema, root: unknown): JsonSchema {
  let current = schema;
  for (let hops = 0; current.$ref && hops < 20; hops++) {
    const path = current.$ref.replace(/^#\//, '').split('/');
    current = path.reduce<unknown>((node, key) => (node as Record<string, unknown>)?.[key], root) as JsonSchema;
    if (!current) throw new Error(`unresolvable $ref ${schema.$ref}`);
  }
  return current;
}

/** Length as JSON Schema counts it: characters (code points), so an emoji is one. */
export const charLength = (value: string) => Array.from(value).length;

export const jsonType = (value: unknown): string =>
  value === null ? 'null' : Array.isArray(value) ? 'array' : typeof value === 'number' ? 'number' : typeof value;

const types = (schema: JsonSchema) => (schema.type === undefined ? [] : Array.isArray(schema.type) ? schema.type : [schema.type]);

function hasType(value: unknown, type: string): boolean {
  if (type === 'integer') return typeof value === 'number' && Number.isInteger(value);
  if (type === 'number') return typeof value === 'number' && Number.isFinite(value);
  return jsonType(value) === type;
}

const DATE = /^(\d{4})-(\d{2})-(\d{2})$/;
const TIME = /^([01]\d|2[0-3]):[0-5]\d:([0-5]\d|60)(\.\d+)?(Z|[+-]([01]\d|2[0-3]):[0-5]\d)$/i;

function isDate(value: string): boolean {
  const match = DATE.exec(value);
  if (!match) return false;
  const [year, month, day] = [Number(match[1]), Number(match[2]), Number(match[3])];
  const days = new Date(Date.UTC(year, month, 0)).getUTCDate();
  return month >= 1 && month <= 12 && day >= 1 && day <= days;
}

/** RFC 3339 `full-date`, `date-time`; a practical `email`; an absolute URI with no spaces. */
export const FORMATS: Record<string, (value: string) => boolean> = {
  date: isDate,
  'date-time': (value) => {
    const [date, time] = value.split(/[Tt]/);
    return value.split(/[Tt]/).length === 2 && isDate(date ?? '') && TIME.test(time ?? '');
  },
  email: (value) => /^[^\s@]+@[^\s@.]+(\.[^\s@.]+)+$/.test(value),
  uri: (value) => /^[a-z][a-z0-9+.-]*:[^\s]+$/i.test(value),
};

const same = (a: unknown, b: unknown) => JSON.stringify(a) === JSON.stringify(b);

/** The reasons `value` fails `schema` (empty when it is valid), each with the JSON path it concerns. */
export function validate(schema: JsonSchema, value: unknown, root: unknown, path = '$'): string[] {
  const s = resolve(schema, root);
  const errors: string[] = [];
  const fail = (reason: string) => errors.push(`${path}: ${reason}`);
  if (s.allOf) for (const part of s.allOf) errors.push(...validate(part, value, root, path));
  if (s.anyOf && !s.anyOf.some((branch) => validate(branch, value, root, path).length === 0)) fail('matches no anyOf branch');
  if (s.oneOf && s.oneOf.filter((branch) => validate(branch, value, root, path).length === 0).length !== 1)
    fail('does not match exactly one oneOf branch');
  if (s.enum && !s.enum.some((option) => same(option, value))) fail('not one of the enum');
  if ('const' in s && !same(s.const, value)) fail('not the const');
  const allowed = types(s);
  if (allowed.length > 0 && !allowed.some((type) => hasType(value, type))) {
    fail(`is ${jsonType(value)}, not ${allowed.join('|')}`);
    return errors;
  }
  if (typeof value === 'string') {
    const length = charLength(value);
    if (s.minLength !== undefined && length < s.minLength) fail(`shorter than ${s.minLength}`);
    if (s.maxLength !== undefined && length > s.maxLength) fail(`longer than ${s.maxLength}`);
    if (s.pattern !== undefined && !new RegExp(s.pattern, 'u').test(value)) fail(`does not match ${s.pattern}`);
    const format = s.format ? FORMATS[s.format] : undefined;
    if (format && !format(value)) fail(`is not a ${s.format}`);
  }
  if (typeof value === 'number') {
    if (s.minimum !== undefined && value < s.minimum) fail(`below ${s.minimum}`);
    if (s.maximum !== undefined && value > s.maximum) fail(`above ${s.maximum}`);
    if (s.exclusiveMinimum !== undefined && value <= s.exclusiveMinimum) fail(`not above ${s.exclusiveMinimum}`);
    if (s.exclusiveMaximum !== undefined && value >= s.exclusiveMaximum) fail(`not below ${s.exclusiveMaximum}`);
  }
  if (Array.isArray(value)) {
    if (s.minItems !== undefined && value.length < s.minItems) fail(`fewer than ${s.minItems} items`);
    if (s.maxItems !== undefined && value.length > s.maxItems) fail(`more than ${s.maxItems} items`);
    if (s.uniqueItems && new Set(value.map((item) => JSON.stringify(item))).size !== value.length) fail('items not unique');
    const items = s.items;
    if (items) for (const [i, item] of value.entries()) errors.push(...validate(items, item, root, `${path}[${i}]`));
  }
  if (jsonType(value) === 'object') {
    const object = value as Record<string, unknown>;
    for (const key of s.required ?? []) if (!(key in object)) fail(`misses required ${key}`);
    for (const [key, item] of Object.entries(object)) {
      const property = s.properties?.[key];
      if (property) errors.push(...validate(property, item, root, `${path}.${key}`));
      else if (s.additionalProperties === false) fail(`has unexpected ${key}`);
      else if (typeof s.additionalProperties === 'object')
        errors.push(...validate(s.additionalProperties, item, root, `${path}.${key}`));
    }
  }
  return errors;
}
