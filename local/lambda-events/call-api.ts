// Sends one request through an API Gateway (v1) handler in-process and decodes its answer.
import type { APIGatewayProxyEvent, APIGatewayProxyResult, Context } from 'aws-lambda';
import { makeLambdaContext } from './context';
import { makeProxyEvent, type ProxyEventInput } from './proxy-event';

/** An API handler's answer decoded: status, lower-cased headers, parsed body, and the raw result. */
export interface ApiCallResult {
  status: number;
  headers: Record<string, string>;
  /** Parsed JSON body, or the raw text when it is not JSON, or undefined when empty. */
  body: unknown;
  raw: APIGatewayProxyResult;
}

/** Sends one request through a v1 handler (the Lambda's or the app's) and decodes its answer. */
export async function callApi(
  handle: (event: APIGatewayProxyEvent, context: Context) => Promise<APIGatewayProxyResult>,
  input: ProxyEventInput,
  context: Context = makeLambdaContext(),
): Promise<ApiCallResult> {
  const raw = await handle(makeProxyEvent(input), context);
  const headers: Record<string, string> = {};
  for (const [name, value] of Object.entries(raw.headers ?? {})) headers[name.toLowerCase()] = String(value);
  for (const [name, values] of Object.entries(raw.multiValueHeaders ?? {})) {
    headers[name.toLowerCase()] ??= values.map(String).join(', ');
  }
  const text = raw.isBase64Encoded ? Buffer.from(raw.body, 'base64').toString('utf8') : raw.body;
  let body: unknown;
  if (text) {
    try {
      body = JSON.parse(text);
    } catch {
      body = text;
    }
  }
  return { status: raw.statusCode, headers, body, raw };
}
