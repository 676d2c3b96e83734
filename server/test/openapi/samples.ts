import { charLength, type JsonSchema, resolve } from './jsonSchema.js';

/**
 * Valid example values for a JSON Schema, and strings of a chosen length that match a pattern: what
 * the conformance suite starts from before it breaks one keyword at a time.
 */

interface Atom {
  /** The characters this atom may produce, the first being the one used. */
  pick: string;
  min: number;
  max: number;
}

const CLASS_ESCAPES: Record<string, string> = { d: '0123456789', w: 'abcXYZ_019', s: ' ', S: 'aZ0.', D: 'a', W: '-' };
const CANDIDATES = 'abcxyzABCXYZ0123456789-_.~:#*';

/** The first candidate character a `[...]` class accepts. */
function classPick(body: string): string {
  const regex = new RegExp(`[${body}]`, 'u');
  const found = [...CANDIDATES].filter((char) => regex.test(char));
  if (found.length === 0) throw new Error(`no sample character for [${body}]`);
  return found.join('');
}

/** Splits the simple patterns our contract uses (classes, escapes, literals, quantifiers; no groups). */
function atoms(pattern: string): Atom[] {
  const out: Atom[] = [];
  let i = pattern.startsWith('^') ? 1 : 0;
  const end = pattern.endsWith('$') && !pattern.endsWith('\\$') ? pattern.length - 1 : pattern.length;
  while (i < end) {
    let pick: string;
    const char = pattern[i] as string;
    if (char === '[') {
      const close = pattern.indexOf(']', i + 2);
      pick = classPick(pattern.slice(i + 1, close));
      i = close + 1;
    } else if (char === '\\') {
      const next = pattern[i + 1] as string;
      pick = CLASS_ESCAPES[next] ?? next;
      i += 2;
    } else if (char === '.') {
      pick = 'a';
      i++;
    } else if ('()|'.includes(char)) {
      throw new Error(`pattern too rich for the sampler: ${pattern}`);
    } else {
      pick = char;
      i++;
    }
    let [min, max] = [1, 1];
    const quantifier = pattern[i];
    if (quantifier === '+') [min, max] = [1, Infinity];
    else if (quantifier === '*') [min, max] = [0, Infinity];
    else if (quantifier === '?') [min, max] = [0, 1];
    else if (quantifier === '{') {
      const close = pattern.indexOf('}', i);
      const [low, high] = pattern.slice(i + 1, close).split(',');
      min = Number(low);
      max = high === undefined ? min : high === '' ? Infinity : Number(high);
      i = close;
    }
    if (quantifier && '+*?{'.includes(quantifier)) i++;
    out.push({ pick, min, max });
  }
  return out;
}

/** A string matching `pattern`, as close to `length` characters as the pattern allows (shortest by default). */
export function sampleString(pattern: string, length = 0): string {
  const parts = atoms(pattern);
  const counts = parts.map((atom) => atom.min);
  let missing = length - counts.reduce((a, b) => a + b, 0);
  for (let i = parts.length - 1; i >= 0 && missing > 0; i--) {
    const room = Math.min(missing, (parts[i] as Atom).max - (counts[i] as number));
    counts[i] = (counts[i] as number) + room;
    missing -= room;
  }
  return parts.map((atom, i) => (atom.pick[0] as string).repeat(counts[i] as number)).join('');
}

const FORMAT_EXAMPLES: Record<string, string> = {
  date: '2026-01-02',
  'date-time': '2026-01-02T03:04:05Z',
  email: 'someone@example.com',
  uri: 'https://example.com/page',
};

/** A string for `schema` of the given length (its shortest valid one by default). */
export function stringOf(schema: JsonSchema, length?: number): string {
  const target = length ?? Math.max(schema.minLength ?? 0, 1);
  if (schema.format && FORMAT_EXAMPLES[schema.format]) return FORMAT_EXAMPLES[schema.format] as string;
  if (schema.pattern) return sampleString(schema.pattern, target);
  return 'x'.repeat(target);
}

/** A valid example of `schema`, with every optional property present so that its keywords are exercised. */
export function example(schema: JsonSchema, root: unknown): unknown {
  const s = resolve(schema, root);
  const branch = s.anyOf?.[0] ?? s.oneOf?.[0] ?? s.allOf?.[0];
  // A combinator beside `type` adds a condition (e.g. "text or an image"); the properties still say what to send.
  if (branch && s.type === undefined && !s.properties) return example(branch, root);
  if (s.enum) return s.enum.find((option) => option !== null) ?? s.enum[0];
  if ('const' in s) return s.const;
  const type = (Array.isArray(s.type) ? s.type.find((t) => t !== 'null') : s.type) ?? 'string';
  switch (type) {
    case 'string':
      return stringOf(s);
    case 'integer':
    case 'number':
      return s.minimum ?? (s.exclusiveMinimum !== undefined ? s.exclusiveMinimum + 1 : Math.min(1, s.maximum ?? 1));
    case 'boolean':
      return true;
    case 'null':
      return null;
    case 'array': {
      const count = Math.min(Math.max(s.minItems ?? 0, 1), s.maxItems ?? 1);
      return Array.from({ length: count }, () => (s.items ? example(s.items, root) : 'x'));
    }
    default:
      return Object.fromEntries(Object.entries(s.properties ?? {}).map(([key, property]) => [key, example(property, root)]));
  }
}

/** Pads a string to `length` characters, keeping what it starts with. */
export function padTo(value: string, length: number, pad: string): string {
  const missing = length - charLength(value);
  return missing > 0 ? value + pad.repeat(missing) : Array.from(value).slice(0, length).join('');
}
