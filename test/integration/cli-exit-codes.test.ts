// The CLI's error → exit code mapping (documented in docs/cli.md), and its small parsers. Pure: no I/O.
import { NoSuchKey } from '@aws-sdk/client-s3';
import { QueueDoesNotExist } from '@aws-sdk/client-sqs';
import { CommanderError } from 'commander';
import { parseDestination, parseExportFormat } from '../../cli/commands/export';
import { parseIdList } from '../../cli/commands/parse';
import {
  ExitCode,
  exitCodeFor,
  NotFoundError,
  OperationFailedError,
  OperationPendingError,
  UsageError,
} from '../../cli/exit-codes';
import { formatTable } from '../../cli/output';
import { IdempotencyConflictError } from '../../lib/group-queue/submit';
import {
  KeepnetAuthenticationError,
  KeepnetConfigurationError,
  KeepnetForbiddenError,
  KeepnetNetworkError,
  KeepnetNotFoundError,
  KeepnetRateLimitedError,
  KeepnetServerError,
  KeepnetTimeoutError,
  KeepnetValidationError,
} from '../../lib/keepnet/errors';
import { MembershipNotVerifiedError } from '../../lib/membership';
import { OperationsConfigError } from '../../lib/operations/config';

describe('exitCodeFor', () => {
  it.each([
    [new KeepnetValidationError('bad'), ExitCode.usage],
    [new KeepnetNotFoundError('gone'), ExitCode.notFound],
    [new KeepnetAuthenticationError('no'), ExitCode.authOrConfig],
    [new KeepnetForbiddenError('not reseller'), ExitCode.authOrConfig],
    [new KeepnetConfigurationError('http'), ExitCode.authOrConfig],
    [new KeepnetServerError('500'), ExitCode.upstream],
    [new KeepnetRateLimitedError('429'), ExitCode.upstream],
    [new KeepnetNetworkError('reset'), ExitCode.upstream],
    [new KeepnetTimeoutError('slow'), ExitCode.upstream],
    [new MembershipNotVerifiedError('g', ['a'], []), ExitCode.incomplete],
    [new UsageError('x'), ExitCode.usage],
    [new NotFoundError('x'), ExitCode.notFound],
    [new CommanderError(0, 'commander.helpDisplayed', '(outputHelp)'), ExitCode.ok],
    [new CommanderError(1, 'commander.unknownCommand', 'unknown'), ExitCode.usage],
    [new OperationFailedError('taken', 'RENAME_REFUSED'), ExitCode.usage],
    [new OperationFailedError('unknown company', 'COMPANY_REFUSED'), ExitCode.usage],
    [new OperationFailedError('gone', 'GROUP_NOT_FOUND'), ExitCode.notFound],
    [new OperationFailedError('kept failing', 'RETRIES_EXHAUSTED'), ExitCode.upstream],
    [new OperationPendingError('slow'), ExitCode.pending],
    [new IdempotencyConflictError('op_1'), ExitCode.usage],
    [new OperationsConfigError('OPERATIONS_PREFIX'), ExitCode.authOrConfig],
    [new TypeError('a bug'), ExitCode.internal],
  ])('%p → %i', (error, code) => {
    expect(exitCodeFor(error)).toBe(code);
  });

  it('maps AWS SDK service errors by kind and status', () => {
    const metadata = (httpStatusCode: number) => ({ $metadata: { httpStatusCode }, message: 'm' });
    expect(exitCodeFor(new NoSuchKey(metadata(404)))).toBe(ExitCode.notFound);
    expect(exitCodeFor(new QueueDoesNotExist(metadata(400)))).toBe(ExitCode.notFound);
    const denied = Object.assign(new Error('denied'), { name: 'AccessDenied', ...metadata(403) });
    expect(exitCodeFor(denied)).toBe(ExitCode.authOrConfig);
    const throttled = Object.assign(new Error('slow down'), { name: 'SlowDown', ...metadata(503) });
    expect(exitCodeFor(throttled)).toBe(ExitCode.upstream);
  });

  it('treats socket failures as upstream and a missing file as not found', () => {
    expect(exitCodeFor(Object.assign(new Error('other side closed'), { code: 'UND_ERR_SOCKET' }))).toBe(4);
    expect(exitCodeFor(Object.assign(new Error('refused'), { code: 'ECONNREFUSED' }))).toBe(4);
    expect(exitCodeFor(Object.assign(new Error('no file'), { code: 'ENOENT' }))).toBe(2);
  });
});

describe('parsers', () => {
  it('reads company id lists from separate or comma-separated values and names a bad id', () => {
    expect(parseIdList('aaaaaaaaaaaa, bbbbbbbbbbbb', ['cccccccccccc'])).toEqual([
      'cccccccccccc',
      'aaaaaaaaaaaa',
      'bbbbbbbbbbbb',
    ]);
    expect(() => parseIdList('aaaaaaaaaaaa,short')).toThrow('"short" is not a Keepnet resource id');
  });

  it('reads export formats and destinations', () => {
    expect(parseExportFormat('CSV')).toBe('CSV');
    expect(parseExportFormat('xlsx')).toBe('Excel');
    expect(() => parseExportFormat('pdf')).toThrow('must be CSV or Excel (any case');
    expect(parseExportFormat('eXcEl')).toBe('Excel');
    expect(parseDestination('s3://bucket/a/b.csv', '/tmp')).toEqual({
      kind: 's3',
      bucket: 'bucket',
      key: 'a/b.csv',
    });
    expect(parseDestination('out/groups.csv', '/srv')).toEqual({
      kind: 'file',
      path: '/srv/out/groups.csv',
    });
    expect(() => parseDestination('s3://bucket', '/tmp')).toThrow('s3://bucket/key');
    expect(() => parseDestination('s3://bucket/', '/tmp')).toThrow(UsageError);
  });
});

describe('formatTable', () => {
  it('aligns columns, right-aligns numbers, and never leaves trailing blanks', () => {
    const text = formatTable(
      [
        { name: 'EU Customers', n: 30 },
        { name: 'Finance', n: 7 },
      ],
      [
        { header: 'NAME', value: (r) => r.name },
        { header: 'COMPANIES', value: (r) => r.n, align: 'right' },
      ],
    );
    expect(text).toBe('NAME          COMPANIES\nEU Customers         30\nFinance               7\n');
  });
});
