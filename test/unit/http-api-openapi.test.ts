// The OpenAPI document is generated from the route table and the router's own zod schemas. These tests
// check it is complete and well-formed, and (property-based) that its JSON Schemas accept exactly what
// the zod schemas accept, so a client generated from it agrees with the server.
import Ajv2020 from 'ajv/dist/2020';
import fc from 'fast-check';
import type * as z from 'zod';
import { openApiDocument } from '../../lib/rest-api/openapi';
import {
  API_ROUTES,
  allowedMethods,
  methodsForPath,
  routeFor,
  toRouterPath,
} from '../../lib/rest-api/routes';
import {
  AddCompaniesBodySchema,
  CreateGroupBodySchema,
  ExportBodySchema,
  GroupSearchBodySchema,
  SetCompaniesBodySchema,
} from '../../lib/rest-api/schemas';

interface Doc {
  openapi: string;
  paths: Record<
    string,
    Record<string, { operationId: string; responses: Record<string, unknown>; security: unknown[] }>
  >;
  components: { schemas: Record<string, object> };
}
const doc = openApiDocument() as unknown as Doc;

const ajv = new Ajv2020({ strict: false, allErrors: true });
ajv.addSchema({ $id: 'doc', components: doc.components });
const validatorFor = (id: string) => ajv.compile({ $ref: `doc#/components/schemas/${id}` });

describe('the document', () => {
  it('describes every route of the table once, with a unique operationId and its success status', () => {
    expect(doc.openapi).toBe('3.1.0');
    for (const route of API_ROUTES) {
      const operation = doc.paths[route.path]?.[route.method.toLowerCase()];
      expect(operation).toBeDefined();
      expect(operation?.responses).toHaveProperty(String(route.success.status));
      expect(operation?.responses).toHaveProperty('400');
    }
    const ids = Object.values(doc.paths).flatMap((item) => Object.values(item).map((op) => op.operationId));
    expect(new Set(ids).size).toBe(API_ROUTES.length);
  });

  it('marks the webhook as signature-authorised and everything else as SigV4', () => {
    for (const route of API_ROUTES) {
      const security = doc.paths[route.path]?.[route.method.toLowerCase()]?.security;
      expect(security).toEqual([route.auth === 'iam' ? { sigv4: [] } : { webhookSignature: [] }]);
    }
    expect(API_ROUTES.filter((route) => route.auth !== 'iam').map((route) => route.path)).toEqual([
      '/webhooks/company-created',
    ]);
  });

  it('has only $refs that resolve, and component schemas that compile', () => {
    const refs = JSON.stringify(doc).match(/"\$ref":"[^"]+"/g) ?? [];
    expect(refs.length).toBeGreaterThan(10);
    for (const ref of refs) {
      const id = ref.replace(/^"\$ref":"#\/components\/schemas\//, '').replace(/"$/, '');
      expect(doc.components.schemas).toHaveProperty(id);
    }
    for (const id of Object.keys(doc.components.schemas)) expect(() => validatorFor(id)).not.toThrow();
  });
});

describe('routes as data', () => {
  it('converts paths to the router syntax and finds the methods of a concrete path', () => {
    expect(toRouterPath('/groups/{groupId}/companies')).toBe('/groups/:groupId/companies');
    expect(methodsForPath('/groups/abc/companies').sort()).toEqual(['DELETE', 'GET', 'POST', 'PUT']);
    expect(methodsForPath('/groups/abc/companies/x')).toEqual([]);
  });

  it('lets a static path shadow the templates it matches, and lists HEAD and OPTIONS in Allow', () => {
    expect(methodsForPath('/groups/search')).toEqual(['POST']);
    expect(methodsForPath('/groups/export')).toEqual(['POST']);
    expect(allowedMethods('/groups/search')).toEqual(['OPTIONS', 'POST']);
    expect(allowedMethods('/groups/abc')).toEqual(['DELETE', 'GET', 'HEAD', 'OPTIONS', 'PATCH']);
    expect(allowedMethods('/nope')).toEqual([]);
  });

  it('picks the most specific template, a literal beating a parameter left to right', () => {
    // A group named "companies" or "export", by name: not the members or export route of group "by-name".
    expect(methodsForPath('/groups/by-name/companies')).toEqual(['GET']);
    expect(methodsForPath('/groups/by-name/export')).toEqual(['GET']);
    expect(routeFor('GET', '/groups/by-name/companies')?.operationId).toBe('getGroupByName');
    expect(routeFor('POST', '/groups/by-name/companies')).toBeUndefined();
    expect(routeFor('GET', '/groups/abc/companies')?.operationId).toBe('listGroupCompanies');
    expect(routeFor('GET', '/companies/abc')?.operationId).toBe('getCompany');
  });
});

describe('JSON Schema and zod agree', () => {
  const id = fc.oneof(
    fc.stringMatching(/^[A-Za-z0-9_-]{1,64}$/),
    fc.string({ maxLength: 70 }),
    fc.constantFrom('', 'a/b', 'x'.repeat(65)),
  );
  const name = fc.oneof(
    fc.stringMatching(/^[A-Za-z0-9](?:[A-Za-z0-9 &'-]{0,70}[A-Za-z0-9])?$/),
    fc.integer(),
    fc.constant(null),
  );
  const cases: [string, z.ZodType, fc.Arbitrary<unknown>][] = [
    [
      'CreateGroupRequest',
      CreateGroupBodySchema,
      fc.record(
        { name, companyResourceIds: fc.array(id, { maxLength: 3 }), extra: fc.jsonValue() },
        { requiredKeys: [] },
      ),
    ],
    [
      'AddCompaniesRequest',
      AddCompaniesBodySchema,
      fc.record(
        { companyResourceIds: fc.oneof(fc.array(id, { maxLength: 4 }), fc.jsonValue()) },
        { requiredKeys: [] },
      ),
    ],
    [
      'SetCompaniesRequest',
      SetCompaniesBodySchema,
      fc.record({ companyResourceIds: fc.array(id, { maxLength: 4 }) }, { requiredKeys: [] }),
    ],
    [
      'ExportRequest',
      ExportBodySchema,
      fc.record(
        {
          format: fc.constantFrom('CSV', 'Excel', 'csv', 'eXcEl', 'xlsx', 'PDF', 'csvx'),
          expiresInSeconds: fc.oneof(fc.integer({ min: 0, max: 50_000 }), fc.double()),
        },
        { requiredKeys: [] },
      ),
    ],
    [
      'GroupSearchRequest',
      GroupSearchBodySchema,
      fc.record(
        {
          pageNumber: fc.integer({ min: -1, max: 3 }),
          pageSize: fc.integer({ min: 0, max: 1500 }),
          orderBy: fc.constantFrom('CreateTime', 'Name', '1bad', ''),
          ascending: fc.oneof(fc.boolean(), fc.constant('true')),
          all: fc.boolean(),
          filter: fc.record(
            {
              condition: fc.constantFrom('AND', 'OR', 'XOR'),
              filterGroups: fc.array(
                fc.record({
                  condition: fc.constantFrom('AND', 'OR'),
                  filterItems: fc.array(
                    fc.record({
                      fieldName: fc.constantFrom('Name', ''),
                      operator: fc.constantFrom('=', 'Contains', 'LIKE'),
                      value: fc.string({ maxLength: 5 }),
                    }),
                    { maxLength: 2 },
                  ),
                }),
                { maxLength: 2 },
              ),
            },
            { requiredKeys: [] },
          ),
        },
        { requiredKeys: [] },
      ),
    ],
  ];

  it.each(cases)(
    '%s: the document accepts a body exactly when the router does',
    (schemaId, schema, arbitrary) => {
      const validate = validatorFor(schemaId);
      fc.assert(
        fc.property(arbitrary, (body) => {
          expect(validate(body)).toBe(schema.safeParse(body).success);
        }),
        { numRuns: 500 },
      );
    },
  );
});
