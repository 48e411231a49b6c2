// Reading a request body in the local stand-ins (simulator, SQS, Secrets Manager, EventBridge, the API
// Gateway adapter): one bounded reader, so no stand-in buffers an unbounded body.
import type { IncomingMessage } from 'node:http';

/** The cap when a stand-in names none: above any real request to these services, far below memory trouble. */
export const DEFAULT_MAX_BODY_BYTES = 10 * 1024 * 1024;

/** The body passed the cap; the stand-in answers as its service would (413, or its own error shape). */
export class PayloadTooLargeError extends Error {
  constructor(readonly maxBytes: number) {
    super(`request body exceeds ${maxBytes} bytes`);
    this.name = 'PayloadTooLargeError';
  }
}

/**
 * The whole request body (or any byte stream: the simulator buffers a file it must cut short too);
 * throws {@link PayloadTooLargeError} as soon as it passes `maxBytes`.
 */
export async function readRequestBody(
  req: IncomingMessage | AsyncIterable<unknown>,
  maxBytes: number = DEFAULT_MAX_BODY_BYTES,
): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    const buffer = Buffer.isBuffer(chunk) ? chunk : Buffer.from(String(chunk));
    size += buffer.length;
    if (size > maxBytes) throw new PayloadTooLargeError(maxBytes);
    chunks.push(buffer);
  }
  return Buffer.concat(chunks);
}
