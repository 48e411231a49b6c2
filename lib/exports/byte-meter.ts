// The one pass-through stage between Keepnet's body and the S3 upload. It measures what flows through:
// byte count and SHA-256 (the manifest's whole-object checksum) and, when given a counter, CSV records,
// all while streaming, so the file is never held whole. One stage instead of a chain keeps the per-chunk
// stream overhead (buffering, callbacks, backpressure bookkeeping) paid once.
//
// When the sender announced a length (Content-Length), a body that ends short is an error raised before
// the stream ends, and one that runs long is an error as soon as it passes the length, so the consumer
// (the S3 upload) never completes with either.
import { createHash, type Hash } from 'node:crypto';
import { Transform, type TransformCallback } from 'node:stream';
import { ExportTruncatedError } from './errors';

/** Something else to compute over the same bytes (the CSV record counter). */
export interface ChunkObserver {
  update(chunk: Uint8Array): void;
  end(): void;
}

export class ByteMeter extends Transform {
  bytes = 0;
  private readonly hash: Hash = createHash('sha256');
  private digest: string | undefined;

  constructor(
    private readonly expectedBytes: number | null = null,
    private readonly observer: ChunkObserver | null = null,
  ) {
    super();
  }

  override _transform(chunk: Buffer, _encoding: BufferEncoding, callback: TransformCallback): void {
    this.bytes += chunk.length;
    if (this.expectedBytes !== null && this.bytes > this.expectedBytes) {
      callback(new ExportTruncatedError(this.expectedBytes, this.bytes));
      return;
    }
    this.hash.update(chunk);
    this.observer?.update(chunk);
    callback(null, chunk);
  }

  override _flush(callback: TransformCallback): void {
    if (this.expectedBytes !== null && this.bytes !== this.expectedBytes) {
      callback(new ExportTruncatedError(this.expectedBytes, this.bytes));
      return;
    }
    this.observer?.end();
    this.digest = this.hash.digest('hex');
    callback();
  }

  /** Lower-case hex SHA-256 of every byte; available once the stream has ended cleanly. */
  get sha256(): string {
    if (this.digest === undefined) throw new Error('ByteMeter: sha256 read before the stream ended');
    return this.digest;
  }
}
