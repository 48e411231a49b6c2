// Reading back a JSON Lines object this export wrote (the membership snapshot, the first-seen index).
import { createInterface } from 'node:readline';
import { Readable } from 'node:stream';
import { GetObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import type * as z from 'zod';

/**
 * Streams `s3://bucket/key` line by line, each parsed by `schema`; blank lines are skipped. A body-less
 * reply or a malformed line throws, naming the object as `<label> s3://bucket/key` and the line number.
 */
export async function* readJsonLines<T>(
  s3: S3Client,
  bucket: string,
  key: string,
  schema: z.ZodType<T>,
  label: string,
): AsyncGenerator<T> {
  const output = await s3.send(new GetObjectCommand({ Bucket: bucket, Key: key }));
  if (!(output.Body instanceof Readable)) throw new Error(`${label} s3://${bucket}/${key}: no body`);
  let lineNumber = 0;
  for await (const line of createInterface({ input: output.Body, crlfDelay: Number.POSITIVE_INFINITY })) {
    lineNumber++;
    if (line.trim() === '') continue;
    let parsed: T;
    try {
      parsed = schema.parse(JSON.parse(line));
    } catch (error) {
      throw new Error(`${label} s3://${bucket}/${key} line ${lineNumber}: ${(error as Error).message}`);
    }
    yield parsed;
  }
}
