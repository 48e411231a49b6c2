// A pass-through that measures what flows through it: byte count and SHA-256, computed while streaming
// so the file is never held whole. When the sender announced a length (Content-Length), ending short or
// long is an error, raised before the stream ends, so the consumer (the S3 upload) never completes.
import { createHash, type Hash } from 'node:crypto';
import { Transform, type TransformCallback } from 'node:stream';
import { ExportTruncatedError } from './errors';

export class ByteMeter extends Transform {
  bytes = 0;
  private readonly hash: Hash = createHash('sha256');
  private digest: string | undefined;

  constructor(private readonly expectedBytes: number | null = null) {
    super();
  }

  override _transform(chunk: Buffer, _encoding: BufferEncoding, callback: TransformCallback): void {
    this.bytes += chunk.length;
    this.hash.update(chunk);
    callback(null, chunk);
  }

  override _flush(callback: TransformCallback): void {
    if (this.expectedBytes !== null && this.bytes !== this.expectedBytes) {
      callback(new ExportTruncatedError(this.expectedBytes, this.bytes));
      return;
    }
    this.digest = this.hash.digest('hex');
    callback();
  }

  /** Lower-case hex SHA-256 of every byte; available once the stream has ended cleanly. */
  get sha256(): string {
    if (this.digest === undefined) throw new Error('ByteMeter: sha256 read before the stream ended');
    return this.digest;
  }
}
