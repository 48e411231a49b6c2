// Contract checks against the vendor's OpenAPI 3.0 document, read at runtime from ../shared
// (third-party data: never copied into the repo). When the document is absent, contract suites
// skip with a message saying where it was looked for.
//
// OpenAPI 3.0 is not JSON Schema: `nullable: true` becomes a "null" type here, formats (int32,
// date-time, binary) are not enforced, and schema names (which hold spaces, brackets and
// backticks) are renamed to safe ids so Ajv can resolve `$ref`s into the document's components.
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import Ajv, { type ValidateFunction } from 'ajv';

/** Where the vendor's OpenAPI document is looked for: ../shared, beside the repository. */
export const SPEC_PATH = path.resolve(process.cwd(), '../shared/keepnet/company-groups-subset.json');
/** Whether the vendor document is there; contract suites skip when it is not. */
export const specAvailable = existsSync(SPEC_PATH);
/** The title suffix of a skipped contract suite: why, and where the document was looked for. */
export const SKIP_MESSAGE = `vendor OpenAPI document not found at ${SPEC_PATH}: contract tests skipped`;

/** `describe` when the vendor document is present, else a skipped suite whose title says why. */
export function describeContract(name: string, fn: () => void): void {
  if (specAvailable) describe(name, fn);
  else describe.skip(`${name} (${SKIP_MESSAGE})`, fn);
}

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };
type JsonObject = { [key: string]: Json };

interface Operation {
  requestBody?: { content?: Record<string, { schema?: Json }> };
  responses?: Record<string, { content?: Record<string, { schema?: Json }> }>;
}

interface Document {
  paths: Record<string, Record<string, Operation>>;
  components: { schemas: Record<string, Json> };
}

/** The outcome of checking one request or reply body against the vendor schema. */
export interface ContractResult {
  valid: boolean;
  /** Ajv's errors as "path: message" lines; also why no check was possible. */
  errors: string[];
  /** False when the document defines no schema for this case (nothing was checked). */
  checked: boolean;
}

const REF_PREFIX = '#/components/schemas/';

function isObject(value: Json | undefined): value is JsonObject {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

/** OpenAPI 3.0 → JSON Schema: `nullable`, safe `$ref`s. */
function toJsonSchema(node: Json, safeName: (name: string) => string): Json {
  if (Array.isArray(node)) return node.map((item) => toJsonSchema(item, safeName));
  if (!isObject(node)) return node;
  const out: JsonObject = {};
  for (const [key, value] of Object.entries(node)) {
    if (key === '$ref' && typeof value === 'string' && value.startsWith(REF_PREFIX)) {
      out.$ref = `#/definitions/${safeName(value.slice(REF_PREFIX.length))}`;
    } else if (key !== 'nullable') {
      out[key] = toJsonSchema(value, safeName);
    }
  }
  if (node.nullable === true) {
    if (typeof out.type === 'string') out.type = [out.type, 'null'];
    if (Array.isArray(out.enum)) out.enum = [...out.enum, null];
    if (typeof out.$ref === 'string') return { anyOf: [{ $ref: out.$ref }, { type: 'null' }] };
  }
  return out;
}

class Contract {
  private readonly ajv = new Ajv({ strict: false, allErrors: true, validateFormats: false });
  private readonly definitions: JsonObject;
  private readonly cache = new Map<string, ValidateFunction>();
  private readonly templates: { template: string; pattern: RegExp }[];
  private readonly safeName: (name: string) => string;

  constructor(private readonly doc: Document) {
    const names = Object.keys(doc.components.schemas);
    const safe = new Map(names.map((name, index) => [name, `s${index}`]));
    const safeName = (name: string) => safe.get(name) ?? name;
    this.definitions = Object.fromEntries(
      names.map((name) => [safeName(name), toJsonSchema(doc.components.schemas[name] ?? {}, safeName)]),
    );
    this.safeName = safeName;
    // Literal templates first so "/search" does not read as a {resourceId}.
    this.templates = Object.keys(doc.paths)
      .sort((a, b) => (a.match(/\{/g)?.length ?? 0) - (b.match(/\{/g)?.length ?? 0))
      .map((template) => ({
        template,
        pattern: new RegExp(`^${template.replace(/\{\w+\}/g, '[^/]+')}$`),
      }));
  }

  operations(): { method: string; template: string }[] {
    return Object.entries(this.doc.paths).flatMap(([template, methods]) =>
      Object.keys(methods).map((method) => ({ method: method.toUpperCase(), template })),
    );
  }

  /** The spec's template for a concrete path (or the template itself). */
  templateFor(method: string, pathOrTemplate: string): string | undefined {
    const lower = method.toLowerCase();
    if (this.doc.paths[pathOrTemplate]?.[lower]) return pathOrTemplate;
    return this.templates.find((t) => t.pattern.test(pathOrTemplate) && this.doc.paths[t.template]?.[lower])
      ?.template;
  }

  private validator(key: string, schema: Json): ValidateFunction {
    let validate = this.cache.get(key);
    if (!validate) {
      const converted = toJsonSchema(schema, this.safeName);
      validate = this.ajv.compile({
        ...(isObject(converted) ? converted : {}),
        definitions: this.definitions,
      });
      this.cache.set(key, validate);
    }
    return validate;
  }

  private run(key: string, schema: Json, value: unknown): ContractResult {
    const validate = this.validator(key, schema);
    const valid = validate(value) as boolean;
    const errors = (validate.errors ?? []).map(
      (e) => `${e.instancePath || '(root)'}: ${e.message ?? 'invalid'}`,
    );
    return { valid, errors, checked: true };
  }

  private operation(method: string, pathOrTemplate: string): { template: string; op: Operation } | string {
    const template = this.templateFor(method, pathOrTemplate);
    const op = template ? this.doc.paths[template]?.[method.toLowerCase()] : undefined;
    if (!template || !op) return `${method.toUpperCase()} ${pathOrTemplate} is not in the vendor's document`;
    return { template, op };
  }

  validateRequest(
    method: string,
    pathOrTemplate: string,
    contentType: string,
    body: unknown,
  ): ContractResult {
    const found = this.operation(method, pathOrTemplate);
    if (typeof found === 'string') return { valid: false, errors: [found], checked: false };
    const content = found.op.requestBody?.content;
    if (!content) {
      const empty = body === undefined || body === null || body === '';
      return { valid: empty, errors: empty ? [] : ['the operation takes no request body'], checked: false };
    }
    const mediaType = contentType.split(';')[0]?.trim().toLowerCase() ?? '';
    const schema = content[mediaType]?.schema;
    if (schema === undefined) {
      return {
        valid: false,
        errors: [
          `Content-Type ${mediaType || '(none)'} is not one the operation accepts (${Object.keys(content).join(', ')})`,
        ],
        checked: false,
      };
    }
    return this.run(`req ${method} ${found.template} ${mediaType}`, schema, body);
  }

  validateResponse(method: string, pathOrTemplate: string, status: number, body: unknown): ContractResult {
    const found = this.operation(method, pathOrTemplate);
    if (typeof found === 'string') return { valid: false, errors: [found], checked: false };
    const response = found.op.responses?.[String(status)] ?? found.op.responses?.default;
    if (!response) return { valid: true, errors: [`no response ${status} documented`], checked: false };
    const schema = response.content?.['application/json']?.schema;
    if (schema === undefined) return { valid: true, errors: [], checked: false };
    return this.run(`res ${method} ${found.template} ${status}`, schema, body);
  }
}

let loaded: Contract | undefined;

function contract(): Contract {
  if (!specAvailable) throw new Error(SKIP_MESSAGE);
  loaded ??= new Contract(JSON.parse(readFileSync(SPEC_PATH, 'utf8')) as Document);
  return loaded;
}

/** Validates a request body against the operation's schema for that Content-Type. */
export function validateRequest(
  method: string,
  pathOrTemplate: string,
  contentType: string,
  body: unknown,
): ContractResult {
  return contract().validateRequest(method, pathOrTemplate, contentType, body);
}

/** Validates a JSON reply against the documented response schema for that status. */
export function validateResponse(
  method: string,
  pathOrTemplate: string,
  status: number,
  body: unknown,
): ContractResult {
  return contract().validateResponse(method, pathOrTemplate, status, body);
}

/** The spec's path template for a concrete path ("/api/company-groups/abc" → "/api/company-groups/{resourceId}"). */
export function specTemplate(method: string, path: string): string | undefined {
  return contract().templateFor(method, path);
}

/** Every operation of the document, as METHOD + path template. */
export function specOperations(): { method: string; template: string }[] {
  return contract().operations();
}
