import { type JsonSchema, validate } from './jsonSchema.js';
import { applyProposal, proposals } from './variants.js';

/** The parts of an OpenAPI 3.1 document the conformance suite reads. */
export interface Parameter {
  name: string;
  in: 'path' | 'query' | 'header' | 'cookie';
  required?: boolean;
  schema: JsonSchema;
}
export interface Operation {
  parameters?: Parameter[];
  requestBody?: { content: Record<string, { schema: JsonSchema }> };
  security?: Record<string, string[]>[];
  responses?: Record<string, { content?: Record<string, { schema: JsonSchema }> }>;
}
export interface OpenApiDocument {
  paths: Record<string, Record<string, Operation>>;
}

export interface ApiOperation {
  /** `POST /v1/widget/sessions`, as the document writes the path. */
  key: string;
  method: string;
  path: string;
  /** Path and query parameters (the only ones our API has). */
  parameters: Parameter[];
  body: JsonSchema | undefined;
  /** The security scheme the operation asks for, if any. */
  scheme: string | undefined;
  /** The JSON schema of each documented response status (`200`, `4XX`…). */
  responses: Record<string, JsonSchema | undefined>;
  /** Per status, the media types documented besides JSON (a file download's CSV). */
  otherTypes: Record<string, string[]>;
}

export function listOperations(document: OpenApiDocument): ApiOperation[] {
  return Object.entries(document.paths).flatMap(([path, methods]) =>
    Object.entries(methods).map(([method, operation]) => ({
      key: `${method.toUpperCase()} ${path}`,
      method,
      path,
      parameters: (operation.parameters ?? []).filter((p) => p.in === 'path' || p.in === 'query'),
      body: operation.requestBody?.content['application/json']?.schema,
      scheme: Object.keys(operation.security?.[0] ?? {})[0],
      responses: Object.fromEntries(
        Object.entries(operation.responses ?? {}).map(([status, response]) => [
          status,
          response.content?.['application/json']?.schema,
        ]),
      ),
      otherTypes: Object.fromEntries(
        Object.entries(operation.responses ?? {}).map(([status, response]) => [
          status,
          Object.keys(response.content ?? {}).filter((type) => type !== 'application/json'),
        ]),
      ),
    })),
  );
}

/** One request to send: parameters as they travel (text), the JSON body, and what it tries. */
export interface GeneratedRequest {
  params: Record<string, string>;
  body: unknown;
  /** `base`, or where and which keyword was broken: `body faq.0.question maxLength+1`. */
  what: string;
  /** The parameter or top-level property the proposal is about, if any. */
  about?: string;
}

/** A parameter value as it travels: numbers and words as text; anything else has no form in a URL. */
const onTheWire = (value: unknown) => (typeof value === 'number' || typeof value === 'string' ? String(value) : undefined);

/** What a parameter's text means for its schema, as an OpenAPI client would have written the value. */
function fromTheWire(schema: JsonSchema, raw: string): unknown {
  const types = [schema.type ?? [], ...(schema.anyOf ?? []).map((branch) => branch.type ?? [])].flat();
  if (types.some((t) => t === 'integer' || t === 'number') && /^-?\d+(\.\d+)?$/.test(raw)) return Number(raw);
  return raw;
}

/** Text that only a query string can carry for a number: what a lenient `Number()` would still take. */
const NUMBERS_AS_TEXT = ['1e1', ' 5', '0x10', ''];

/**
 * The base request, then one request per proposal for each parameter and for the body. `base` holds
 * valid values for every parameter (path ones included) and the body.
 */
export function generateRequests(
  operation: ApiOperation,
  base: { params: Record<string, unknown>; body: unknown },
  root: unknown,
): GeneratedRequest[] {
  const wire = (params: Record<string, unknown>) =>
    Object.fromEntries(
      Object.entries(params).flatMap(([name, value]) => {
        const raw = onTheWire(value);
        return raw === undefined ? [] : [[name, raw]];
      }),
    ) as Record<string, string>;
  const out: GeneratedRequest[] = [{ params: wire(base.params), body: base.body, what: 'base' }];
  for (const p of operation.parameters) {
    const numeric = JSON.stringify(p.schema).includes('"integer"') || JSON.stringify(p.schema).includes('"number"');
    const extra = numeric ? NUMBERS_AS_TEXT.map((value) => ({ path: [], value, keyword: 'number as text' })) : [];
    for (const proposal of [...proposals(p.schema, base.params[p.name], root), ...extra]) {
      // A path parameter cannot be left out, and only text travels in a URL.
      if (proposal.value === undefined ? p.in === 'path' : onTheWire(proposal.value) === undefined) continue;
      const params = { ...base.params, [p.name]: proposal.value };
      if (proposal.value === undefined) delete params[p.name];
      out.push({ params: wire(params), body: base.body, what: `${p.in} ${p.name} ${proposal.keyword}`, about: p.name });
    }
  }
  if (operation.parameters.some((p) => p.in === 'query'))
    out.push({ params: wire({ ...base.params, unlisted: '1' }), body: base.body, what: 'query unlisted parameter' });
  if (operation.body)
    for (const proposal of proposals(operation.body, base.body, root))
      out.push({
        params: wire(base.params),
        body: applyProposal(base.body, proposal),
        what: `body ${proposal.path.join('.')} ${proposal.keyword}`.replace(/ {2}/, ' '),
        about: proposal.path[0] === undefined ? undefined : String(proposal.path[0]),
      });
  return out;
}

/** Why the document calls the request invalid (nothing when it is valid). */
export function documentVerdict(operation: ApiOperation, request: GeneratedRequest, root: unknown): string[] {
  const reasons: string[] = [];
  // The document's own rule (its description): listed query parameters only.
  for (const name of Object.keys(request.params))
    if (!operation.parameters.some((p) => p.name === name)) reasons.push(`${name}: unlisted query parameter`);
  for (const p of operation.parameters) {
    const raw = request.params[p.name];
    if (raw === undefined) {
      if (p.required) reasons.push(`${p.name}: missing required parameter`);
      continue;
    }
    reasons.push(...validate(p.schema, fromTheWire(p.schema, raw), root, p.name));
  }
  if (operation.body) reasons.push(...validate(operation.body, request.body, root, 'body'));
  return reasons;
}

/** The request's URL: path parameters filled in (encoded), query parameters after `?`. */
export function urlOf(operation: ApiOperation, request: GeneratedRequest): string {
  let path = operation.path;
  const query = new URLSearchParams();
  for (const p of operation.parameters) {
    const raw = request.params[p.name];
    if (p.in === 'path') path = path.replace(`{${p.name}}`, encodeURIComponent(raw ?? ''));
  }
  for (const [name, raw] of Object.entries(request.params))
    if (!operation.parameters.some((p) => p.in === 'path' && p.name === name)) query.set(name, raw);
  return query.size > 0 ? `${path}?${query}` : path;
}

/**
 * Why a JSON answer does not match what the document promises for its status (exact, else `4XX`):
 * empty when it matches, `undefined` when the document promises no JSON for that status.
 */
export function responseVerdict(
  operation: ApiOperation,
  status: number,
  body: unknown,
  root: unknown,
  contentType = 'application/json',
): string[] | undefined {
  // An answer in another documented media type (a CSV file) has no JSON to check.
  if ((operation.otherTypes[String(status)] ?? []).some((type) => contentType.startsWith(type))) return undefined;
  const schema = operation.responses[String(status)] ?? operation.responses[`${String(status)[0]}XX`];
  return schema ? validate(schema, body, root, `response ${status}`) : undefined;
}
