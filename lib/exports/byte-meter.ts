// The one pass-through stage between Keepnet's body and the S3 upload, measuring what flows through.
import { createHash, type Hash } from 'node:crypto';
import { Transform, type TransformCallback } from 'node:stream';
import { ExportTruncatedError } from './errors';

/**
 * Something else to compute over the same bytes (the CSV record counter, the xlsx checker). `update`
 * returns a promise when the observer needs the stream to wait (backpressure); `end` throws (or rejects)
 * when the content is not whole, which fails the stream before it ends.
 */
export interface ChunkObserver {
  update(chunk: Uint8Array): Promise<void> | undefined | void;
  end(): Promise<void> | void;
}

/** Runs once every byte is in and the observer agrees, before the stream ends; rejects to fail it. */
export type FinalCheck = () => Promise<void>;

/**
 * The one pass-through stage between Keepnet's body and the S3 upload. It measures what flows through:
 * byte count and SHA-256 (the manifest's whole-object checksum) and, when given a counter, CSV records,
 * all while streaming, so the file is never held whole. One stage instead of a chain keeps the per-chunk
 * stream overhead (buffering, callbacks, backpressure bookkeeping) paid once.
 *
 * When the sender announced a length (Content-Length), a body that ends short is an error raised before
 * the stream ends, and one that runs long is an error as soon as it passes the length, so the consumer
 * (the S3 upload) never completes with either. Content checks (records whole, record count as expected)
 * fail the stream the same way, before it ends.
 */
export class ByteMeter extends Transform {
  bytes = 0;
  private readonly hash: Hash = createHash('sha256');
  private digest: string | undefined;

  constructor(
    private readonly expectedBytes: number | null = null,
    private readonly observer: ChunkObserver | null = null,
    private readonly finalCheck: FinalCheck | null = null,
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
    const waiting = this.observer?.update(chunk);
    if (waiting) waiting.then(() => callback(null, chunk), callback);
    else callback(null, chunk);
  }

  override _flush(callback: TransformCallback): void {
    if (this.expectedBytes !== null && this.bytes !== this.expectedBytes) {
      callback(new ExportTruncatedError(this.expectedBytes, this.bytes));
      return;
    }
    const observer = this.observer;
    const check = this.finalCheck;
    Promise.resolve()
      .then(() => observer?.end())
      .then(() => check?.())
      .then(() => {
        this.digest = this.hash.digest('hex');
        callback();
      }, callback);
  }

  /** Lower-case hex SHA-256 of every byte; available once the stream has ended cleanly. */
  get sha256(): string {
    if (this.digest === undefined) throw new Error('ByteMeter: sha256 read before the stream ended');
    return this.digest;
  }
}
