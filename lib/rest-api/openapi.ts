// The OpenAPI 3.1 document of this API, generated from the route table and the very zod schemas the
// router validates with (z.toJSONSchema). Request schemas are rendered as inputs (what a caller may
// send, defaults optional), response schemas as outputs. Built once per process.
import * as z from 'zod';
import { API_ROUTES, type RouteDefinition } from './routes';
import { ErrorResponseSchema, requestSchemas, responseSchemas } from './schemas';

type JsonSchema = Record<string, unknown>;

const ERROR_DESCRIPTIONS: Record<number, string> = {
  400: 'Invalid input: `error.details` names each field and rule.',
  401: 'Missing, wrong, stale or replayed webhook signature.',
  404: 'No such route, or Keepnet has no such group.',
  405: 'The path exists but not with this method (see the Allow header).',
  409: 'The Idempotency-Key was already used for a different request (IDEMPOTENCY_CONFLICT).',
  413: 'Body too large.',
  415: 'A body that is not application/json.',
  422: 'Signed and valid, but nothing would happen (webhook: `NO_TARGET_GROUP`, no group named or matched).',
  429: 'Keepnet is rate limiting this service; see Retry-After.',
  500: 'Internal or configuration error (no detail is disclosed).',
  502: 'Keepnet failed, could not be reached, or refused this service credential.',
  503: 'The onboarding queue did not accept the request; see Retry-After.',
  504: 'Keepnet did not answer in time.',
};

const COMMON_ERRORS = [400, 404, 405, 500] as const;

let cached: JsonSchema | undefined;

/** The document, built on first use and then kept (the routes and schemas do not change in a process). */
export function openApiDocument(): JsonSchema {
  cached ??= buildDocument();
  return cached;
}

function buildDocument(): JsonSchema {
  const uri = (id: string) => `#/components/schemas/${id}`;
  const components: Record<string, JsonSchema> = {
    ...componentSchemas(z.toJSONSchema(requestSchemas, { io: 'input', uri, unrepresentable: 'any' })),
    ...componentSchemas(z.toJSONSchema(responseSchemas, { io: 'output', uri, unrepresentable: 'any' })),
  };

  const paths: Record<string, Record<string, unknown>> = {};
  for (const route of API_ROUTES) {
    paths[route.path] ??= {};
    const item = paths[route.path]!;
    item[route.method.toLowerCase()] = operation(route);
  }

  return {
    openapi: '3.1.0',
    info: {
      title: 'Keepnet MSP automation API',
      version: '1.0.0',
      description:
        'Company-group operations on the Keepnet Labs platform for managed-service providers. Every route ' +
        'except the webhook is authorised by AWS IAM (SigV4). Errors share one shape: ' +
        '`{ "error": { "code", "message", "details" } }`. HEAD is answered as GET without a body, and ' +
        'OPTIONS with the methods of the path in `Allow`; static paths (`/groups/search`, `/groups/export`) ' +
        'are never read as a group id.',
    },
    paths,
    components: {
      schemas: components,
      securitySchemes: {
        sigv4: {
          type: 'apiKey',
          name: 'Authorization',
          in: 'header',
          description: 'AWS Signature Version 4 (API Gateway AuthorizationType AWS_IAM).',
        },
        webhookSignature: {
          type: 'apiKey',
          name: 'X-Keepnet-Signature',
          in: 'header',
          description: 'v1=<hex HMAC-SHA256 of "<X-Keepnet-Timestamp>.<raw body>"> with the shared secret.',
        },
      },
    },
  };
}

function operation(route: RouteDefinition): JsonSchema {
  const parameters = [
    ...parametersOf(route.request?.path, 'path'),
    ...parametersOf(route.request?.query, 'query'),
    ...parametersOf(route.request?.headers, 'header'),
  ];
  const responses: Record<string, unknown> = {
    [String(route.success.status)]: {
      description: route.success.description,
      ...(route.success.schema
        ? { content: { 'application/json': { schema: schemaRef(route.success.schema, 'output') } } }
        : {}),
    },
  };
  for (const status of [...COMMON_ERRORS, ...route.errors]) {
    responses[String(status)] = {
      description: ERROR_DESCRIPTIONS[status] ?? 'Error.',
      content: { 'application/json': { schema: schemaRef(ErrorResponseSchema, 'output') } },
    };
  }
  return {
    operationId: route.operationId,
    summary: route.summary,
    ...(route.description ? { description: route.description } : {}),
    security: [route.auth === 'iam' ? { sigv4: [] } : { webhookSignature: [] }],
    ...(parameters.length > 0 ? { parameters } : {}),
    ...(route.request?.body
      ? {
          requestBody: {
            required: true,
            content: { 'application/json': { schema: schemaRef(route.request.body, 'input') } },
          },
        }
      : {}),
    responses,
  };
}

/** A registered schema becomes a $ref to its component; others are rendered inline. */
function schemaRef(schema: z.ZodType, io: 'input' | 'output'): JsonSchema {
  const registry = io === 'input' ? requestSchemas : responseSchemas;
  const meta = registry.get(schema);
  if (meta) return { $ref: `#/components/schemas/${meta.id}` };
  return strip(z.toJSONSchema(schema, { io, unrepresentable: 'any' }) as JsonSchema);
}

function parametersOf(schema: z.ZodType | undefined, location: 'path' | 'query' | 'header'): JsonSchema[] {
  if (!schema) return [];
  const json = z.toJSONSchema(schema, { io: 'input', unrepresentable: 'any' }) as JsonSchema;
  const properties = (json.properties ?? {}) as Record<string, JsonSchema>;
  const required = new Set((json.required ?? []) as string[]);
  return Object.entries(properties).map(([name, property]) => ({
    name,
    in: location,
    required: location === 'path' || required.has(name),
    schema: property,
    ...(typeof property.description === 'string' ? { description: property.description } : {}),
  }));
}

function componentSchemas(rendered: { schemas: Record<string, JsonSchema> }): Record<string, JsonSchema> {
  return Object.fromEntries(Object.entries(rendered.schemas).map(([id, schema]) => [id, strip(schema)]));
}

/** `$schema` and a fragment `$id` are noise inside an OpenAPI document. */
function strip(schema: JsonSchema): JsonSchema {
  const { $schema: _schema, $id: _id, ...rest } = schema;
  return rest;
}
