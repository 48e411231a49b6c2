// Builds complete API Gateway REST (v1) proxy events, as API Gateway would deliver them for an
// IAM-authorised call: requestContext with identity and userArn, single- and multi-value headers and
// query strings, path parameters, base64 flag. Used by the tests, the bench and the local runner to
// drive the real handler without a gateway.
import { randomUUID } from 'node:crypto';
import type { APIGatewayProxyEvent } from 'aws-lambda';

/** One request as a test writes it; everything else in the event gets API Gateway's values. */
export interface ProxyEventInput {
  method: string;
  /** Concrete path, optionally with a query string: `/groups/abc/companies?all=true`. */
  path: string;
  headers?: Record<string, string>;
  /** An object is sent as JSON (Content-Type set unless given); a string is sent as is. */
  body?: unknown;
  base64?: boolean;
  /** The route template API Gateway matched, e.g. `/groups/{groupId}`; defaults to `/{proxy+}`. */
  resource?: string;
  pathParameters?: Record<string, string>;
  /** null: an unsigned call (the webhook); otherwise the IAM caller. */
  userArn?: string | null;
  stage?: string;
}

const DEFAULT_USER_ARN = 'arn:aws:iam::123456789012:user/msp-operator';

/**
 * The complete v1 proxy event for `input`: query parsed from `path`, multi-value maps filled,
 * the body JSON-encoded (and base64-encoded when asked), a fresh request id.
 */
export function makeProxyEvent(input: ProxyEventInput): APIGatewayProxyEvent {
  const url = new URL(input.path, 'https://example.execute-api.eu-west-1.amazonaws.com');
  const headers: Record<string, string> = {
    Host: 'abc123.execute-api.eu-west-1.amazonaws.com',
    'User-Agent': 'aws-sdk-js/3 test',
    'X-Forwarded-Proto': 'https',
    'X-Forwarded-For': '203.0.113.7',
    ...input.headers,
  };
  let body: string | null = null;
  if (typeof input.body === 'string') body = input.body;
  else if (input.body !== undefined) {
    body = JSON.stringify(input.body);
    if (!Object.keys(headers).some((name) => name.toLowerCase() === 'content-type')) {
      headers['Content-Type'] = 'application/json';
    }
  }
  if (body !== null && input.base64) body = Buffer.from(body, 'utf8').toString('base64');

  const query: Record<string, string> = {};
  const multiQuery: Record<string, string[]> = {};
  for (const [name, value] of url.searchParams) {
    query[name] = value;
    multiQuery[name] = [...(multiQuery[name] ?? []), value];
  }
  const userArn = input.userArn === undefined ? DEFAULT_USER_ARN : input.userArn;
  const stage = input.stage ?? 'prod';
  const requestId = randomUUID();
  const now = new Date();

  return {
    resource: input.resource ?? '/{proxy+}',
    path: url.pathname,
    httpMethod: input.method,
    headers,
    multiValueHeaders: Object.fromEntries(Object.entries(headers).map(([name, value]) => [name, [value]])),
    queryStringParameters: Object.keys(query).length > 0 ? query : null,
    multiValueQueryStringParameters: Object.keys(multiQuery).length > 0 ? multiQuery : null,
    pathParameters: input.pathParameters ?? { proxy: url.pathname.slice(1) },
    stageVariables: null,
    body,
    isBase64Encoded: Boolean(input.base64 && body !== null),
    requestContext: {
      accountId: '123456789012',
      apiId: 'abc123',
      authorizer: null,
      protocol: 'HTTP/1.1',
      httpMethod: input.method,
      identity: callerIdentity({
        sourceIp: '203.0.113.7',
        userAgent: headers['User-Agent'] ?? null,
        userArn,
      }),
      path: `/${stage}${url.pathname}`,
      stage,
      requestId,
      requestTimeEpoch: now.getTime(),
      resourceId: 'res123',
      resourcePath: input.resource ?? '/{proxy+}',
      domainName: 'abc123.execute-api.eu-west-1.amazonaws.com',
      domainPrefix: 'abc123',
      extendedRequestId: `ext-${requestId}`,
      requestTime: now.toUTCString(),
    },
  };
}

type CallerIdentity = APIGatewayProxyEvent['requestContext']['identity'];

/** `requestContext.identity` as API Gateway fills it: IAM caller fields for a signed call, else nulls. */
export function callerIdentity(caller: {
  sourceIp: string;
  userAgent: string | null;
  /** The IAM caller; null for an unsigned call. */
  userArn: string | null;
}): CallerIdentity {
  const { userArn } = caller;
  return {
    accessKey: userArn ? 'ASIAEXAMPLEEXAMPLE' : null,
    accountId: userArn ? '123456789012' : null,
    apiKey: null,
    apiKeyId: null,
    caller: userArn ? 'AIDAEXAMPLEEXAMPLE' : null,
    clientCert: null,
    cognitoAuthenticationProvider: null,
    cognitoAuthenticationType: null,
    cognitoIdentityId: null,
    cognitoIdentityPoolId: null,
    principalOrgId: null,
    sourceIp: caller.sourceIp,
    user: userArn ? 'AIDAEXAMPLEEXAMPLE' : null,
    userAgent: caller.userAgent,
    userArn,
  };
}
