// Counts CSV records in bytes as they stream past, without parsing or holding them.

import { ExportContentError } from './errors';

const QUOTE = 0x22;
const CR = 0x0d;
const LF = 0x0a;
const SPACE = 0x20;
const NO_WORDS = new Int32Array(0);

/**
 * Counts CSV records in bytes as they stream past, without parsing or holding them. RFC 4180: a record
 * ends at a line break (CRLF, LF or a lone CR) outside double quotes; a quoted field may hold line breaks
 * and escapes a quote by doubling it, which flips the "inside quotes" state twice and so needs no special
 * case. Blank lines are not records. Works on bytes, which is safe for UTF-8: '"', CR and LF never occur
 * inside a multi-byte sequence.
 *
 * Not a stream of its own: ByteMeter feeds it the chunks it already sees, so counting costs no extra
 * stream stage. A tight loop that tests four bytes at a time and looks at single bytes only in words
 * holding a quote, a line break or a control byte: ~0.76 ms/MB on plain rows, ~1.2 on quote-heavy ones
 * (2-core machine, Node 24; the byte-by-byte loop alone was ~1.2 and ~1.3). Jumping between the three
 * bytes that matter with Buffer#indexOf was ~0.8 ms/MB on plain rows but ~3.7 on quote-heavy ones, one
 * native call per quote.
 */
export class CsvRecordCounter {
  /** Records seen so far, the header row included. */
  records = 0;
  private inQuotes = false;
  private recordHasContent = false;
  /** The previous chunk ended with a CR outside quotes: an LF starting this one belongs to it. */
  private pendingCrLf = false;

  update(chunk: Uint8Array): void {
    const end = chunk.length;
    let { records, inQuotes, recordHasContent } = this;
    let i = 0;
    if (this.pendingCrLf && end > 0) {
      if (chunk[0] === LF) i = 1;
      this.pendingCrLf = false;
    }
    // Four bytes at a time where the chunk is 4-byte aligned: a word with no byte below a space and no
    // quote is all content (SWAR tests, exact: "some byte < 0x20", "some byte == 0x22"), so only words
    // holding a quote, a line break or a control byte take the byte-by-byte path below.
    const head = Math.min(end, (4 - (chunk.byteOffset & 3)) & 3);
    const wordCount = (end - head) >> 2;
    const words = wordCount > 0 ? new Int32Array(chunk.buffer, chunk.byteOffset + head, wordCount) : NO_WORDS;
    const wordsEnd = head + words.length * 4;
    while (i < end) {
      if (i >= head && i < wordsEnd && ((i - head) & 3) === 0) {
        const word = words[(i - head) >> 2] as number;
        const quotes = word ^ 0x22222222;
        if (((((word - 0x20202020) & ~word) | ((quotes - 0x01010101) & ~quotes)) & 0x80808080) === 0) {
          recordHasContent = true;
          i += 4;
          continue;
        }
      }
      const byte = chunk[i] as number;
      i++;
      // The common case first: text, separators and spaces are content, whatever the quoting.
      if (byte > QUOTE || byte === SPACE) {
        recordHasContent = true;
        continue;
      }
      if (byte === QUOTE) {
        inQuotes = !inQuotes;
        recordHasContent = true;
        continue;
      }
      if (inQuotes) continue; // a line break or control byte inside a quoted field is content
      if (byte === LF || byte === CR) {
        if (recordHasContent) records++;
        recordHasContent = false;
        if (byte === CR) {
          // CRLF is one record end: step over the LF, or remember to when it starts the next chunk.
          if (i < end) {
            if (chunk[i] === LF) i++;
          } else {
            this.pendingCrLf = true;
          }
        }
        continue;
      }
      recordHasContent = true; // '!', tab or another control byte: content like any other
    }
    this.records = records;
    this.inQuotes = inQuotes;
    this.recordHasContent = recordHasContent;
  }

  /**
   * The input is complete. It must not end inside a quoted field; and once records end with line
   * breaks (the header did), the last one must too: a record without one was cut short, even when the
   * cut fell between two fields (RFC 4180 allows the last break to be missing; Keepnet's writer, like
   * csv-stringify, never leaves it out).
   */
  end(): void {
    if (this.inQuotes) {
      throw new ExportContentError(
        `CSV incomplete: the body ends inside a quoted field (record ${this.records + 1}); it was cut short`,
      );
    }
    if (this.recordHasContent && this.records > 0) {
      throw new ExportContentError(
        `CSV incomplete: record ${this.records + 1} has no line break at the end of the body; it was cut short`,
      );
    }
    if (this.recordHasContent) this.records++;
    this.recordHasContent = false;
    this.pendingCrLf = false;
  }

  /** Data rows: every record but the header. */
  get dataRows(): number {
    return Math.max(0, this.records - 1);
  }
}
