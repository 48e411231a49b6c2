// The API Gateway adapter behind `npm start -- --serve`: real HTTP in, APIGatewayProxyEvent (v1) to
// the handler, APIGatewayProxyResult back out, as API Gateway's Lambda proxy integration does it.
import type { APIGatewayProxyEvent, APIGatewayProxyResult, Context } from 'aws-lambda';
import { type ApiGatewayAdapter, startApiGatewayAdapter } from '../../local/runner/api-gateway-adapter';

let adapter: ApiGatewayAdapter;
let seen: { event: APIGatewayProxyEvent; context: Context }[] = [];
let reply: (event: APIGatewayProxyEvent) => Promise<APIGatewayProxyResult>;

beforeAll(async () => {
  adapter = await startApiGatewayAdapter({
    handler: async (event, context) => {
      seen.push({ event, context });
      return reply(event);
    },
  });
});

afterAll(async () => {
  await adapter.close();
});

beforeEach(() => {
  seen = [];
  reply = async () => ({ statusCode: 200, body: 'ok' });
});

describe('API Gateway adapter', () => {
  it('builds a v1 proxy event: method, path, proxy parameter, query maps, headers, text body', async () => {
    const res = await fetch(`${adapter.url}/groups/abc/companies?page=1&tag=a&tag=b`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'X-Custom': 'yes' },
      body: '{"companyResourceIds":["x"]}',
    });
    expect(res.status).toBe(200);
    const { event, context } = seen[0]!;
    expect(event).toMatchObject({
      httpMethod: 'POST',
      path: '/groups/abc/companies',
      resource: '/{proxy+}',
      pathParameters: { proxy: 'groups/abc/companies' },
      queryStringParameters: { page: '1', tag: 'b' },
      multiValueQueryStringParameters: { page: ['1'], tag: ['a', 'b'] },
      body: '{"companyResourceIds":["x"]}',
      isBase64Encoded: false,
      requestContext: { httpMethod: 'POST', stage: 'local', path: '/local/groups/abc/companies' },
    });
    expect(event.headers['X-Custom']).toBe('yes');
    expect(event.multiValueHeaders['X-Custom']).toEqual(['yes']);
    expect(event.requestContext.requestId).toMatch(/^[0-9a-f-]{36}$/);
    expect(context.getRemainingTimeInMillis()).toBeGreaterThan(0);
    expect(context.getRemainingTimeInMillis()).toBeLessThanOrEqual(29_000);
  });

  it('gives null query maps and body for a bare GET, and base64-encodes binary bodies', async () => {
    await fetch(`${adapter.url}/health`);
    expect(seen[0]!.event).toMatchObject({ queryStringParameters: null, body: null, isBase64Encoded: false });

    const bytes = Buffer.from([0, 1, 2, 250, 255]);
    await fetch(`${adapter.url}/upload`, {
      method: 'PUT',
      headers: { 'content-type': 'application/octet-stream' },
      body: bytes,
    });
    expect(seen[1]!.event.isBase64Encoded).toBe(true);
    expect(Buffer.from(seen[1]!.event.body!, 'base64')).toEqual(bytes);
  });

  it('writes the result: status, headers, multi-value headers and base64 bodies decoded', async () => {
    reply = async () => ({
      statusCode: 201,
      headers: { 'content-type': 'application/octet-stream' },
      multiValueHeaders: { 'x-tags': ['a', 'b'] },
      body: Buffer.from('binary!').toString('base64'),
      isBase64Encoded: true,
    });
    const res = await fetch(`${adapter.url}/x`);
    expect(res.status).toBe(201);
    expect(res.headers.get('x-tags')).toBe('a, b');
    expect(Buffer.from(await res.arrayBuffer()).toString()).toBe('binary!');
  });

  it('answers 502 like API Gateway when the handler throws or returns no status', async () => {
    const stderr = jest.spyOn(process.stderr, 'write').mockImplementation(() => true);
    try {
      reply = async () => {
        throw new Error('boom');
      };
      const thrown = await fetch(`${adapter.url}/x`);
      expect(thrown.status).toBe(502);
      expect(await thrown.json()).toEqual({ message: 'Internal server error' });

      reply = async () => ({}) as APIGatewayProxyResult;
      expect((await fetch(`${adapter.url}/x`)).status).toBe(502);
    } finally {
      stderr.mockRestore();
    }
  });

  it('answers 400 for a path API Gateway could not decode, and keeps serving', async () => {
    const res = await fetch(`${adapter.url}/groups/%E0%A4%A`);
    expect(res.status).toBe(400);
    expect(seen).toHaveLength(0);
    expect((await fetch(`${adapter.url}/ok`)).status).toBe(200);
  });

  it('refuses bodies over the size limit with 413 without calling the handler', async () => {
    const small = await startApiGatewayAdapter({
      handler: async () => ({ statusCode: 200, body: '' }),
      maxBodyBytes: 10,
    });
    try {
      const res = await fetch(`${small.url}/x`, { method: 'POST', body: 'x'.repeat(11) });
      expect(res.status).toBe(413);
    } finally {
      await small.close();
    }
  });
});
