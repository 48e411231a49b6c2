// The reply quirks (types.ts ReplyQuirks) applied to what handlers produce: nullable createTime,
// nested children, list replies without `data`, export replies in other shapes. Handlers call these
// at the one place each reply is built, so each quirk is played the same on every route it concerns.
import { Readable } from 'node:stream';
import type { ReplyQuirks } from './behaviour';
import type { SimulatorCore } from './context';
import { empty, type Reply, success } from './reply';

/** The company's createTime as served, or null when the quirk says so. */
export function servedCreateTime(quirks: ReplyQuirks, companyId: string, createTime: string): string | null {
  const nulls = quirks.nullCreateTime;
  if (nulls === undefined) return createTime;
  return nulls === 'all' || nulls.includes(companyId) ? null : createTime;
}

/** A successful list reply (`data` a page or an array), unless the quirk drops or nulls `data`. */
export function listReply(core: SimulatorCore, data: unknown): Reply {
  const mode = core.behaviour.quirks.listData;
  if (mode === undefined) return success(data);
  const reply = success(mode === 'null' ? null : data);
  if (mode === 'missing' && reply.kind === 'envelope') {
    const { data: _dropped, ...withoutData } = reply.envelope;
    return { ...reply, envelope: withoutData as typeof reply.envelope };
  }
  return reply;
}

/**
 * Companies search rows with `childrenOf` applied: children leave the top level and hang under their
 * parent (`toDto` renders one row, `children` included).
 */
export function nestChildren<Row extends { resourceId: string }, Dto>(
  quirks: ReplyQuirks,
  rows: Row[],
  all: (id: string) => Row | undefined,
  toDto: (row: Row, children: Dto[] | null) => Dto,
): { topLevel: Row[]; render: (row: Row) => Dto } {
  const childrenOf = quirks.childrenOf ?? {};
  const nested = new Set(Object.values(childrenOf).flat());
  const render = (row: Row): Dto => {
    const ids = childrenOf[row.resourceId];
    const children = ids
      ?.map((id) => all(id))
      .filter((child): child is Row => child !== undefined)
      .map(render);
    return toDto(row, children ?? null);
  };
  return { topLevel: rows.filter((row) => !nested.has(row.resourceId)), render };
}

/** An export file reply, or what the `exportReply` quirk answers in its place. */
export function exportFileReply(core: SimulatorCore, file: Extract<Reply, { kind: 'file' }>): Reply {
  const mode = core.behaviour.quirks.exportReply ?? 'file';
  if (mode === 'file') return file;
  if (mode === 'empty') {
    file.body.destroy();
    return empty(200);
  }
  if (mode === 'file-path') {
    file.body.destroy();
    return {
      kind: 'json',
      status: 200,
      body: {
        status: 'Success',
        message: null,
        filePath: `/var/exports/${file.fileName}`,
        fileName: file.fileName,
        byteArray: null,
      },
    };
  }
  return {
    kind: 'file',
    status: 200,
    contentType: 'application/json; charset=utf-8',
    fileName: file.fileName,
    body: Readable.from(byteArrayJson(file.body, file.fileName), { objectMode: false }),
  };
}

/** `ExportServiceResult` as JSON text, the file base64-encoded into `byteArray` as it streams. */
async function* byteArrayJson(file: Readable, fileName: string): AsyncGenerator<Buffer> {
  yield Buffer.from(
    `{"status":"Success","message":null,"filePath":null,"fileName":${JSON.stringify(fileName)},"byteArray":"`,
  );
  let rest = Buffer.alloc(0);
  for await (const chunk of file) {
    const bytes = rest.length === 0 ? (chunk as Buffer) : Buffer.concat([rest, chunk as Buffer]);
    const whole = bytes.length - (bytes.length % 3); // base64 of whole 3-byte groups needs no padding
    rest = Buffer.from(bytes.subarray(whole));
    if (whole > 0) yield Buffer.from(bytes.subarray(0, whole).toString('base64'));
  }
  yield Buffer.from(`${rest.toString('base64')}"}`);
}

/**
 * Where the `shortExport` quirk cuts `whole` (a byte offset): after its `keep` fraction, or with
 * `at: 'record'` after the last line break before that point.
 */
export function shortCut(whole: Buffer, quirk: NonNullable<ReplyQuirks['shortExport']>): number {
  const keep = Math.min(Math.max(quirk.keep ?? 0.5, 0), 1);
  const cut = Math.floor(whole.length * keep);
  if (quirk.at !== 'record') return cut;
  const lastBreak = whole.lastIndexOf(0x0a, cut - 1);
  return lastBreak === -1 ? cut : lastBreak + 1;
}
