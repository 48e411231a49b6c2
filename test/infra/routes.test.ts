// API Gateway's routes, read back from the synthesised template, are the router's route table
// (lib/rest-api/routes.ts): every route reaches the function with the authorisation the table gives it,
// and the gateway declares no route the table does not have.
import { API_ROUTES, type RouteAuth } from '../../lib/rest-api/routes';
import { synthTemplate } from './helpers';

type Ref = { Ref: string } | { 'Fn::GetAtt': [string, string] };

interface GatewayMethod {
  /** `/` for the root, `/groups/{proxy+}`-style otherwise. */
  path: string;
  method: string;
  auth: RouteAuth;
}

/** Every method in the template with its full resource path and its authorisation as a route kind. */
function gatewayMethods(): GatewayMethod[] {
  const template = synthTemplate();
  const resources = template.findResources('AWS::ApiGateway::Resource');
  const pathOf = (ref: Ref): string => {
    // The root resource is the RestApi's RootResourceId attribute.
    if ('Fn::GetAtt' in ref) return '';
    const resource = resources[ref.Ref];
    if (!resource) throw new Error(`unknown resource ${ref.Ref}`);
    const props = resource.Properties as { ParentId: Ref; PathPart: string };
    return `${pathOf(props.ParentId)}/${props.PathPart}`;
  };
  return Object.values(template.findResources('AWS::ApiGateway::Method')).map((resource) => {
    const props = resource.Properties as { ResourceId: Ref; HttpMethod: string; AuthorizationType: string };
    const auth = { AWS_IAM: 'iam', NONE: 'webhook-signature' }[props.AuthorizationType];
    if (!auth) throw new Error(`unexpected AuthorizationType ${props.AuthorizationType}`);
    return { path: pathOf(props.ResourceId) || '/', method: props.HttpMethod, auth: auth as RouteAuth };
  });
}

/**
 * The method API Gateway selects for a request: a resource matching the path segment by segment (a
 * literal before a `{param}`, `{proxy+}` for the rest), with the request's method or ANY.
 */
function gatewayRoute(methods: GatewayMethod[], method: string, path: string): GatewayMethod | undefined {
  const segments = path.split('/').filter(Boolean);
  const score = (template: string): number | undefined => {
    const parts = template.split('/').filter(Boolean);
    let points = 0;
    for (const [i, part] of parts.entries()) {
      if (part.endsWith('+}')) return i < segments.length ? points : undefined;
      if (i >= segments.length) return undefined;
      if (part.startsWith('{')) points += 1;
      else if (part === segments[i]) points += 2;
      else return undefined;
    }
    return parts.length === segments.length ? points + 1000 : undefined;
  };
  return methods
    .filter((m) => m.method === method || m.method === 'ANY')
    .map((m) => ({ m, points: score(m.path) }))
    .filter((c): c is { m: GatewayMethod; points: number } => c.points !== undefined)
    .sort((a, b) => b.points - a.points || Number(b.m.method !== 'ANY') - Number(a.m.method !== 'ANY'))[0]?.m;
}

/** A concrete path for a route template: each `{param}` filled in. */
const concrete = (path: string) => path.replace(/\{[^}]+\}/g, 'x1');

describe('REST API routes', () => {
  const methods = gatewayMethods();

  it("sends every route of the router's table to the function with the table's authorisation", () => {
    const reached = API_ROUTES.map((route) => {
      const gateway = gatewayRoute(methods, route.method, concrete(route.path));
      return { method: route.method, path: route.path, auth: gateway?.auth };
    });
    expect(reached).toEqual(
      API_ROUTES.map((route) => ({ method: route.method, path: route.path, auth: route.auth })),
    );
  });

  it('declares nothing but the IAM catch-all and the routes the table leaves open', () => {
    const declared = methods.map((m) => `${m.method} ${m.path} ${m.auth}`).sort();
    const open = API_ROUTES.filter((route) => route.auth !== 'iam').map(
      (route) => `${route.method} ${route.path} ${route.auth}`,
    );
    expect(declared).toEqual(['ANY / iam', 'ANY /{proxy+} iam', ...open].sort());
  });
});
