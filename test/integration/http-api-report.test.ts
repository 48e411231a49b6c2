// GET /reports/latest through the real `api` handler: 404 before any night, then after two nightly runs
// the newest report's key and a presigned URL that downloads exactly that workbook (s3rver).
import { HeadObjectCommand } from '@aws-sdk/client-s3';
import type { APIGatewayProxyEvent, APIGatewayProxyResult, Context } from 'aws-lambda';
import ExcelJS from 'exceljs';
import { normalisePrefix, runScheduledExport } from '../../lib/exports';
import { REPORT_SHEETS } from '../../lib/exports/report-workbook';
import { LatestReportResponseSchema } from '../../lib/rest-api/schemas';
import { callApi } from '../../local/lambda-events';
import { type JournaledExportWorld, startJournaledExportWorld } from '../support/journaled-export-world';

type Handler = (event: APIGatewayProxyEvent, context: Context) => Promise<APIGatewayProxyResult>;

let world: JournaledExportWorld;
let handler: Handler;

beforeAll(async () => {
  world = await startJournaledExportWorld();
  // The Lambda entry point, loaded once the environment is in place (it builds at import).
  handler = (await import('../../functions/api/handler')).handler;
});
afterAll(() => world?.close());

// Where the api looks: the prefix the nightly function reads from the same variable.
const night = (iso: string) =>
  runScheduledExport([], world.context(normalisePrefix(process.env.EXPORT_PREFIX), new Date(iso)));

it('answers 404 REPORT_NOT_FOUND before the first night', async () => {
  const result = await callApi(handler, { method: 'GET', path: '/reports/latest' });
  expect(result.status).toBe(404);
  expect((result.body as { error: { code: string } }).error.code).toBe('REPORT_NOT_FOUND');
});

it('links the newest report with a presigned URL that downloads the same workbook', async () => {
  await night('2026-11-27T02:00:00Z');
  const newest = await night('2026-11-28T02:00:00Z');
  const result = await callApi(handler, { method: 'GET', path: '/reports/latest?expiresInSeconds=300' });
  expect(result.status).toBe(200);
  const body = LatestReportResponseSchema.strict().parse(result.body);
  expect(body.key).toBe(newest.reportKey);
  expect(new URL(body.downloadUrl).searchParams.get('X-Amz-Expires')).toBe('300');
  expect(Date.parse(body.expiresAt) - Date.now()).toBeGreaterThan(240_000);

  const bytes = Buffer.from(await (await fetch(body.downloadUrl)).arrayBuffer());
  const head = await world.s3.send(new HeadObjectCommand({ Bucket: world.bucket, Key: body.key }));
  expect(bytes.length).toBe(head.ContentLength);
  const book = new ExcelJS.Workbook();
  await book.xlsx.load(bytes as unknown as ArrayBuffer);
  expect(book.worksheets.map((s) => s.name)).toEqual([...REPORT_SHEETS]);
});

it('refuses a link lifetime out of range, naming the field', async () => {
  const result = await callApi(handler, { method: 'GET', path: '/reports/latest?expiresInSeconds=5' });
  expect(result.status).toBe(400);
  expect(JSON.stringify(result.body)).toContain('expiresInSeconds');
});
