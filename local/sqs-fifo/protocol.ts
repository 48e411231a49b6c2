// The AWS JSON 1.0 wire format of SQS as @aws-sdk/client-sqs v3 speaks it: the action from
// X-Amz-Target, the JSON body, replies and error replies (`__type` plus x-amzn-query-error, which the
// SDK maps to the error name), and the rules every *Batch action shares.

import type { IncomingMessage, ServerResponse } from 'node:http';
import { readRequestBody } from '../http-body';
import { SqsError } from './errors';

/** A request body as the JSON protocol sends it: the action's input members by name. */
export type SqsRequest = Record<string, unknown>;

/** The action a request asks for: `AmazonSQS.<Action>` in X-Amz-Target; '' when absent or foreign. */
export function actionOf(req: IncomingMessage): { target: string; action: string } {
  const target = String(req.headers['x-amz-target'] ?? '');
  return { target, action: target.startsWith('AmazonSQS.') ? target.slice('AmazonSQS.'.length) : '' };
}

/** The whole request body as UTF-8 text (the SQS JSON 1.0 protocol's requests are small JSON documents). */
export async function readBody(req: IncomingMessage): Promise<string> {
  return (await readRequestBody(req)).toString('utf8');
}

/** The parsed body; an empty body is no input members. Throws SyntaxError on malformed JSON (a 500). */
export function parseRequest(text: string): SqsRequest {
  return (text ? JSON.parse(text) : {}) as SqsRequest;
}

/** Writes one JSON protocol reply with a fresh request id. */
export function reply(
  res: ServerResponse,
  status: number,
  body: unknown,
  headers: Record<string, string> = {},
): void {
  res.writeHead(status, {
    'content-type': 'application/x-amz-json-1.0',
    'x-amzn-requestid': crypto.randomUUID(),
    ...headers,
  });
  res.end(JSON.stringify(body));
}

/** Replies with an error: an SqsError as SQS reports it (Sender below 500, else Receiver), anything else as InternalError. */
export function replyError(res: ServerResponse, error: unknown): void {
  if (error instanceof SqsError) {
    reply(
      res,
      error.status,
      { __type: `com.amazonaws.sqs#${error.code}`, message: error.message },
      { 'x-amzn-query-error': `${error.queryCode};${error.status < 500 ? 'Sender' : 'Receiver'}` },
    );
  } else {
    reply(res, 500, { __type: 'com.amazonaws.sqs#InternalError', message: (error as Error).message });
  }
}

/**
 * Runs `each` over a *Batch request's entries (1 to 10, distinct Ids; else the whole request fails) and
 * reports each entry in `Successful` or, when it throws an SqsError, in `Failed`, as SQS does: one bad
 * entry does not fail the others. Any other error fails the request.
 */
export function batch<T>(entries: unknown, each: (entry: SqsRequest) => T) {
  const list = Array.isArray(entries) ? (entries as SqsRequest[]) : [];
  if (list.length === 0)
    throw new SqsError(
      'EmptyBatchRequest',
      'There should be at least one entry in the request.',
      'AWS.SimpleQueueService.EmptyBatchRequest',
    );
  if (list.length > 10)
    throw new SqsError(
      'TooManyEntriesInBatchRequest',
      'Maximum number of entries per request are 10.',
      'AWS.SimpleQueueService.TooManyEntriesInBatchRequest',
    );
  if (new Set(list.map((e) => e.Id)).size !== list.length) {
    throw new SqsError(
      'BatchEntryIdsNotDistinct',
      'Two or more batch entries in the request have the same Id.',
      'AWS.SimpleQueueService.BatchEntryIdsNotDistinct',
    );
  }
  const Successful: (T & { Id: unknown })[] = [];
  const Failed: { Id: unknown; SenderFault: boolean; Code: string; Message: string }[] = [];
  for (const entry of list) {
    try {
      Successful.push({ Id: entry.Id, ...each(entry) });
    } catch (error) {
      if (!(error instanceof SqsError)) throw error;
      Failed.push({
        Id: entry.Id,
        SenderFault: error.status < 500,
        Code: error.code,
        Message: error.message,
      });
    }
  }
  return { Successful, Failed };
}
