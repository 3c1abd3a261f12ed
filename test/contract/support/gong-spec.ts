/**
 * Gong's own OpenAPI 3.0.1 document (docs/reference/gong-openapi.json) as a validator and a source
 * of example bodies. Contract tests check the sandbox's answers and the gateway's requests against
 * it, and feed its examples to the client: nothing here comes from src/ (no wire schemas, no
 * constants), so a misreading shared by the gateway and the sandbox shows up.
 *
 * Three readings of the spec: optional fields may arrive as explicit null (real answers do),
 * unknown fields are allowed ("Gong may add fields"), and a property-less `type: object` is any
 * JSON value (Java's Object: the spec's own example for a CRM field value is a string).
 */
import { readFileSync } from 'node:fs';
import { Ajv, type ValidateFunction } from 'ajv';

type Json = Record<string, unknown>;

export const spec = JSON.parse(
  readFileSync(new URL('../../../docs/reference/gong-openapi.json', import.meta.url), 'utf8'),
) as {
  paths: Record<
    string,
    Record<
      string,
      {
        responses?: Record<string, { content?: Record<string, { schema?: Json }> }>;
        requestBody?: { content?: Record<string, { schema?: Json }> };
      }
    >
  >;
  components: { schemas: Record<string, Json> };
};

/** Every object property may also be null: Gong sends null for absent optional fields. */
function nullableProperties(node: unknown): unknown {
  if (Array.isArray(node)) return node.map(nullableProperties);
  if (node === null || typeof node !== 'object') return node;
  const out: Json = {};
  for (const [k, v] of Object.entries(node as Json)) out[k] = nullableProperties(v);
  // Java's `Object` is rendered `type: object` without properties (its example is "Gong Inc."): any JSON.
  if (
    out.type === 'object' &&
    out.properties === undefined &&
    out.additionalProperties === undefined
  )
    delete out.type;
  if (out.properties && typeof out.properties === 'object') {
    const props: Json = {};
    for (const [k, v] of Object.entries(out.properties as Json))
      props[k] = { anyOf: [v, { type: 'null' }] };
    out.properties = props;
  }
  return out;
}

const ajv = new Ajv({ strict: false, allErrors: true, validateFormats: false });
ajv.addSchema({ $id: 'gong', components: nullableProperties(spec.components) as Json });

const compiled = new Map<string, ValidateFunction>();
function validator(ref: string): ValidateFunction {
  let v = compiled.get(ref);
  if (!v) {
    v = ajv.compile({ $ref: `gong${ref}` });
    compiled.set(ref, v);
  }
  return v;
}

const refOf = (schema: Json | undefined, what: string): string => {
  const ref = schema?.$ref;
  if (typeof ref !== 'string') throw new Error(`Gong's spec has no JSON schema for ${what}`);
  return ref;
};

/** `GET /v2/calls/{id}` → the spec's operation. */
function operation(op: string) {
  const [method = '', path = ''] = op.split(' ');
  const found = spec.paths[path]?.[method.toLowerCase()];
  if (!found) throw new Error(`Gong's spec has no operation ${op}`);
  return found;
}

/** Whether the spec lists `status` for the operation. */
export function specLists(op: string, status: number): boolean {
  return String(status) in (operation(op).responses ?? {});
}

/** Why `body` breaks the spec's schema of the operation's answer with `status` ([] = conforms). */
export function responseProblems(op: string, status: number, body: unknown): string[] {
  const res = operation(op).responses?.[String(status)];
  if (!res) return [`Gong's spec lists no HTTP ${status} for ${op}`];
  const v = validator(refOf(res.content?.['application/json']?.schema, `${op} ${status}`));
  return problems(v, body);
}

/** Why `body` breaks the spec's component schema `name` ([] = conforms). */
export function schemaProblems(name: string, body: unknown): string[] {
  return problems(validator(`#/components/schemas/${name}`), body);
}

/** Why a request body breaks the spec's request schema of the operation ([] = conforms). */
export function requestProblems(op: string, body: unknown): string[] {
  const v = validator(
    refOf(operation(op).requestBody?.content?.['application/json']?.schema, `${op} request`),
  );
  return problems(v, body);
}

/** Readable problems: the nullable wrapper's "must be null" / "anyOf" echoes are left out. */
function problems(v: ValidateFunction, body: unknown): string[] {
  if (v(body)) return [];
  return (v.errors ?? [])
    .filter((e) => !(e.keyword === 'type' && e.params.type === 'null') && e.keyword !== 'anyOf')
    .map((e) => `${e.instancePath || '(body)'} ${e.message ?? ''}`);
}

/**
 * A body built from the spec's own `example` values for a component schema (arrays get one item),
 * i.e. the documented answer as Gong's reference shows it.
 */
export function exampleOf(schemaName: string): Json {
  return build(spec.components.schemas[schemaName], 0) as Json;
}

function build(schema: unknown, depth: number): unknown {
  if (schema === null || typeof schema !== 'object' || depth > 8) return undefined;
  const s = schema as Json;
  if (typeof s.$ref === 'string')
    return build(spec.components.schemas[s.$ref.split('/').pop() ?? ''], depth + 1);
  if (s.example !== undefined && s.type !== 'array' && s.type !== 'object') return s.example;
  if (s.type === 'array') {
    const item = build(s.items, depth + 1);
    return item === undefined ? (Array.isArray(s.example) ? s.example : []) : [item];
  }
  if (s.properties) {
    const out: Json = {};
    for (const [k, v] of Object.entries(s.properties as Json)) {
      const value = build(v, depth + 1);
      if (value !== undefined) out[k] = value;
    }
    return out;
  }
  if (Array.isArray(s.enum)) return s.enum[0];
  return s.example;
}
