// A minimal local EventBridge: PutEvents over the AWS JSON 1.1 protocol (X-Amz-Target:
// AWSEvents.PutEvents), so the real @aws-sdk/client-eventbridge runs against it. It records every
// accepted entry, can fail entries on demand (to test FailedEntryCount handling), and can forward
// each accepted event, in EventBridge's envelope, to a target (the local runner plugs the router in).

import { randomUUID } from 'node:crypto';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { readRequestBody } from './http-body';
import { LOCAL_ACCOUNT_ID } from './lambda-events';

/** One PutEvents entry as the SDK sends it (Detail is a JSON string). */
export interface PutEventsEntry {
  Source?: string;
  DetailType?: string;
  Detail?: string;
  EventBusName?: string;
  Resources?: string[];
  Time?: string | number;
}

/** An event as EventBridge delivers it to a target (detail parsed). */
export interface EventBridgeEvent {
  version: '0';
  id: string;
  source: string;
  account: string;
  time: string;
  region: string;
  resources: string[];
  'detail-type': string;
  detail: unknown;
}

/** An accepted entry, kept for assertions: what was sent and the envelope it became. */
export interface RecordedEvent {
  eventId: string;
  entry: PutEventsEntry;
  event: EventBridgeEvent;
}

/** Where it listens, which bus exists, and where accepted events go. */
export interface LocalEventBridgeOptions {
  port?: number;
  host?: string;
  region?: string;
  /**
   * The one bus that exists here, as the deployed stack has its own onboarding bus: an entry for any
   * other (no EventBusName means "default") is refused, as EventBridge refuses a bus that does not
   * exist. Absent: every bus name is accepted.
   */
  busName?: string;
  /** Called for each accepted event (after the reply is sent); errors are collected, never thrown. */
  target?: (event: EventBridgeEvent) => Promise<unknown> | unknown;
}

/** A running local EventBridge and its test hooks (recorded events, injected failures). */
export interface LocalEventBridge {
  /** Endpoint for AWS_ENDPOINT_URL_EVENTBRIDGE. */
  readonly url: string;
  /** Accepted events, in order. */
  events(): RecordedEvent[];
  clear(): void;
  /** The next `entries` entries are refused (ErrorCode InternalFailure), reported in FailedEntryCount. */
  failNextEntries(entries: number): void;
  /** Refuses every entry matching `predicate` (ErrorCode InternalFailure) until the returned function is called. */
  refuseEntries(predicate: (entry: PutEventsEntry) => boolean): () => void;
  /** PutEvents calls served. */
  calls(): number;
  /** Resolves when every forwarded event has been handled by the target. */
  settled(): Promise<void>;
  /** Errors thrown by the target. */
  targetErrors(): unknown[];
  close(): Promise<void>;
}

/**
 * An EventBridge envelope as Lambda receives it; typed by its detail-type and detail so handlers'
 * event types accept it. Defaults: a fresh id, LOCAL_ACCOUNT_ID, AWS_REGION (else us-east-1),
 * now to the second.
 */
export function eventBridgeEnvelope<TDetailType extends string = string, TDetail = unknown>(
  input: { source: string; detailType: TDetailType; detail: TDetail; resources?: string[]; time?: string },
  options: { id?: string; region?: string; account?: string } = {},
): EventBridgeEvent & { 'detail-type': TDetailType; detail: TDetail } {
  return {
    version: '0',
    id: options.id ?? randomUUID(),
    source: input.source,
    account: options.account ?? LOCAL_ACCOUNT_ID,
    time: input.time ?? new Date().toISOString().replace(/\.\d{3}Z$/, 'Z'),
    region: options.region ?? process.env.AWS_REGION ?? 'us-east-1',
    resources: input.resources ?? [],
    'detail-type': input.detailType,
    detail: input.detail,
  };
}

/** Starts PutEvents on 127.0.0.1 (a free port unless `port`); point AWS_ENDPOINT_URL_EVENTBRIDGE at `url`. */
export async function startEventBridge(options: LocalEventBridgeOptions = {}): Promise<LocalEventBridge> {
  const region = options.region ?? process.env.AWS_REGION ?? 'us-east-1';
  const recorded: RecordedEvent[] = [];
  const pending = new Set<Promise<unknown>>();
  const errors: unknown[] = [];
  let failEntries = 0;
  const refusals = new Set<(entry: PutEventsEntry) => boolean>();
  let calls = 0;

  const putEvents = (input: { Entries?: PutEventsEntry[] }) => {
    const entries = input.Entries ?? [];
    if (entries.length < 1 || entries.length > 10) {
      return {
        status: 400,
        body: { __type: 'ValidationException', message: 'Entries must hold 1 to 10 entries.' },
      };
    }
    const accepted: EventBridgeEvent[] = [];
    const results = entries.map((entry) => {
      if (failEntries > 0 || [...refusals].some((refuse) => refuse(entry))) {
        if (failEntries > 0) failEntries--;
        return { ErrorCode: 'InternalFailure', ErrorMessage: 'Injected failure' };
      }
      const bus = entry.EventBusName || 'default';
      if (options.busName !== undefined && bus !== options.busName) {
        return { ErrorCode: 'ResourceNotFoundException', ErrorMessage: `Event bus ${bus} does not exist.` };
      }
      let detail: unknown;
      try {
        detail = JSON.parse(entry.Detail ?? '');
      } catch {
        return { ErrorCode: 'MalformedDetail', ErrorMessage: 'Detail is malformed.' };
      }
      if (!entry.Source || !entry.DetailType) {
        return {
          ErrorCode: 'InvalidArgument',
          ErrorMessage: 'Parameter(s) Source, DetailType must be specified.',
        };
      }
      const event = eventBridgeEnvelope(
        { source: entry.Source, detailType: entry.DetailType, detail, resources: entry.Resources ?? [] },
        { region },
      );
      recorded.push({ eventId: event.id, entry, event });
      accepted.push(event);
      return { EventId: event.id };
    });
    return {
      status: 200,
      body: { FailedEntryCount: results.filter((r) => 'ErrorCode' in r).length, Entries: results },
      accepted,
    };
  };

  const server = createServer(async (req, res) => {
    calls++;
    const target = String(req.headers['x-amz-target'] ?? '');
    const send = (status: number, body: unknown) => {
      res.writeHead(status, {
        'content-type': 'application/x-amz-json-1.1',
        'x-amzn-requestid': randomUUID(),
      });
      res.end(JSON.stringify(body));
    };
    let raw: Buffer;
    try {
      raw = await readRequestBody(req);
    } catch (error) {
      send(413, { __type: 'ValidationException', message: (error as Error).message });
      return;
    }
    if (target !== 'AWSEvents.PutEvents') {
      send(400, {
        __type: 'UnknownOperationException',
        message: `${target || '(none)'} is not supported here`,
      });
      return;
    }
    let input: { Entries?: PutEventsEntry[] };
    try {
      input = JSON.parse(raw.toString('utf8') || '{}');
    } catch {
      send(400, { __type: 'SerializationException', message: 'Body is not JSON.' });
      return;
    }
    const result = putEvents(input);
    send(result.status, result.body);
    if (options.target) {
      for (const event of result.accepted ?? []) {
        const run = Promise.resolve()
          .then(() => options.target!(event))
          .catch((error: unknown) => {
            errors.push(error);
          });
        pending.add(run);
        run.finally(() => pending.delete(run));
      }
    }
  });
  await new Promise<void>((resolve) =>
    server.listen(options.port ?? 0, options.host ?? '127.0.0.1', resolve),
  );
  const { port } = server.address() as AddressInfo;

  return {
    url: `http://${options.host ?? '127.0.0.1'}:${port}`,
    events: () => [...recorded],
    clear: () => {
      recorded.length = 0;
    },
    failNextEntries(entries) {
      failEntries = entries;
    },
    refuseEntries(predicate) {
      refusals.add(predicate);
      return () => refusals.delete(predicate);
    },
    calls: () => calls,
    async settled() {
      while (pending.size > 0) await Promise.all([...pending]);
    },
    targetErrors: () => [...errors],
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.closeAllConnections();
        server.close((error) => (error ? reject(error) : resolve()));
      }),
  };
}
