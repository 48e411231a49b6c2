// A small stand-in for API Gateway (REST API, Lambda proxy integration, payload v1) in front of an
// in-process handler: node:http request → APIGatewayProxyEvent → handler → APIGatewayProxyResult → reply.
// It mirrors what the deployed `ANY /{proxy+}` resource delivers, so `curl` against `npm start -- --serve`
// exercises the same code paths as the real API. It is not a security boundary: it binds 127.0.0.1.

import { randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { APIGatewayProxyEvent, APIGatewayProxyResult, Context } from 'aws-lambda';
import { DEFAULT_MAX_BODY_BYTES, PayloadTooLargeError, readRequestBody } from '../http-body';
import { callerIdentity, LOCAL_ACCOUNT_ID, makeLambdaContext } from '../lambda-events';

/** An API Gateway REST (v1) proxy handler, such as functions/api/handler.ts exports. */
export type ProxyHandler = (event: APIGatewayProxyEvent, context: Context) => Promise<APIGatewayProxyResult>;

/** The handler to serve and how to listen; stage, body limit and access log as API Gateway would. */
export interface ApiGatewayAdapterOptions {
  handler: ProxyHandler;
  functionName?: string;
  /** 0 (the default) picks a free port. */
  port?: number;
  host?: string;
  stage?: string;
  /** API Gateway refuses payloads over 10 MB; so does this adapter. */
  maxBodyBytes?: number;
  /** Called after each request, e.g. to print an access line. */
  onRequest?: (line: { method: string; path: string; statusCode: number; ms: number }) => void;
}

/** A listening adapter; `close()` stops it. */
export interface ApiGatewayAdapter {
  url: string;
  port: number;
  close(): Promise<void>;
}

const TEXT_CONTENT_TYPE = /^(text\/|application\/(json|.*\+json|x-www-form-urlencoded|xml))/i;

function headerMaps(req: IncomingMessage): {
  headers: Record<string, string>;
  multiValueHeaders: Record<string, string[]>;
} {
  const headers: Record<string, string> = {};
  const multiValueHeaders: Record<string, string[]> = {};
  // rawHeaders keeps the client's casing, as API Gateway does.
  for (let i = 0; i + 1 < req.rawHeaders.length; i += 2) {
    const name = req.rawHeaders[i]!;
    const value = req.rawHeaders[i + 1]!;
    headers[name] = value;
    const values = multiValueHeaders[name] ?? [];
    values.push(value);
    multiValueHeaders[name] = values;
  }
  return { headers, multiValueHeaders };
}

function queryMaps(url: URL): {
  queryStringParameters: Record<string, string> | null;
  multiValueQueryStringParameters: Record<string, string[]> | null;
} {
  if ([...url.searchParams.keys()].length === 0) {
    return { queryStringParameters: null, multiValueQueryStringParameters: null };
  }
  const single: Record<string, string> = {};
  const multi: Record<string, string[]> = {};
  for (const [name, value] of url.searchParams) {
    single[name] = value; // API Gateway keeps the last value in the single-value map.
    multi[name] = [...(multi[name] ?? []), value];
  }
  return { queryStringParameters: single, multiValueQueryStringParameters: multi };
}

/** Builds the v1 proxy event API Gateway would send for this request. Exported for tests. */
export function toProxyEvent(
  req: IncomingMessage,
  body: Buffer,
  stage: string,
  sourceIp: string,
): APIGatewayProxyEvent {
  const url = new URL(req.url ?? '/', 'http://localhost');
  const path = decodeURI(url.pathname);
  const method = (req.method ?? 'GET').toUpperCase();
  const { headers, multiValueHeaders } = headerMaps(req);
  const contentType = req.headers['content-type'] ?? '';
  const isText = body.length === 0 || TEXT_CONTENT_TYPE.test(contentType);
  const now = Date.now();
  return {
    resource: '/{proxy+}',
    path,
    httpMethod: method,
    headers,
    multiValueHeaders,
    ...queryMaps(url),
    pathParameters: path === '/' ? null : { proxy: path.slice(1) },
    stageVariables: null,
    body: body.length === 0 ? null : isText ? body.toString('utf8') : body.toString('base64'),
    isBase64Encoded: body.length > 0 && !isText,
    requestContext: {
      accountId: LOCAL_ACCOUNT_ID,
      apiId: 'local',
      authorizer: null,
      protocol: `HTTP/${req.httpVersion}`,
      httpMethod: method,
      // Unsigned: this stand-in does not check SigV4, so it names no IAM caller.
      identity: callerIdentity({ sourceIp, userAgent: req.headers['user-agent'] ?? null, userArn: null }),
      path: `/${stage}${path}`,
      stage,
      requestId: randomUUID(),
      requestTimeEpoch: now,
      resourceId: 'local',
      resourcePath: '/{proxy+}',
    },
  };
}

function writeResult(res: ServerResponse, result: APIGatewayProxyResult): void {
  for (const [name, value] of Object.entries(result.headers ?? {})) res.setHeader(name, String(value));
  for (const [name, values] of Object.entries(result.multiValueHeaders ?? {})) {
    res.setHeader(
      name,
      values.map((v) => String(v)),
    );
  }
  res.statusCode = result.statusCode;
  const body = result.body ?? '';
  res.end(result.isBase64Encoded ? Buffer.from(body, 'base64') : body);
}

function writeGatewayError(res: ServerResponse, statusCode: number, message: string): void {
  // The body API Gateway itself sends when the integration fails or the request is refused.
  res.statusCode = statusCode;
  res.setHeader('content-type', 'application/json');
  res.end(JSON.stringify({ message }));
}

/**
 * Serves `handler` over HTTP as API Gateway would invoke it: each request becomes a v1 proxy event
 * (unsigned: no IAM caller), bodies over `maxBodyBytes` get 413 and a malformed Lambda result 502.
 */
export async function startApiGatewayAdapter(options: ApiGatewayAdapterOptions): Promise<ApiGatewayAdapter> {
  const stage = options.stage ?? 'local';
  const maxBodyBytes = options.maxBodyBytes ?? DEFAULT_MAX_BODY_BYTES;
  const functionName = options.functionName ?? 'api';

  const server: Server = createServer((req, res) => {
    const startedAt = Date.now();
    const done = () =>
      options.onRequest?.({
        method: req.method ?? 'GET',
        path: req.url ?? '/',
        statusCode: res.statusCode,
        ms: Date.now() - startedAt,
      });
    res.on('finish', done);
    void (async () => {
      let body: Buffer;
      try {
        body = await readRequestBody(req, maxBodyBytes);
      } catch (error) {
        if (error instanceof PayloadTooLargeError) writeGatewayError(res, 413, 'Request Too Long');
        else writeGatewayError(res, 400, 'Bad Request');
        return;
      }
      let event: APIGatewayProxyEvent;
      try {
        event = toProxyEvent(req, body, stage, req.socket.remoteAddress ?? '127.0.0.1');
      } catch {
        writeGatewayError(res, 400, 'Bad Request'); // e.g. a malformed %-escape in the path
        return;
      }
      try {
        const result = await options.handler(
          event,
          makeLambdaContext({ functionName, timeoutMs: 29_000, accountId: LOCAL_ACCOUNT_ID }),
        );
        if (!result || typeof result.statusCode !== 'number') {
          writeGatewayError(res, 502, 'Internal server error'); // a malformed Lambda proxy response
          return;
        }
        writeResult(res, result);
      } catch (error) {
        // API Gateway answers 502 when the function throws; the stack trace goes to the terminal only.
        process.stderr.write(`api handler threw: ${error instanceof Error ? error.stack : String(error)}\n`);
        writeGatewayError(res, 502, 'Internal server error');
      }
    })();
  });

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, options.host ?? '127.0.0.1', () => {
      server.off('error', reject);
      resolve();
    });
  });
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://${options.host ?? '127.0.0.1'}:${port}`,
    port,
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.closeAllConnections();
        server.close((error) => (error ? reject(error) : resolve()));
      }),
  };
}
