// The operator CLI's exit codes: stable, documented in docs/cli.md, so scripts can branch on them.
import { CommanderError } from 'commander';
import { RemovalsRefusedError } from '../lib/desired-state/apply';
import { DesiredStateError } from '../lib/desired-state/errors';
import { IdempotencyConflictError } from '../lib/group-queue/submit';
import { isKeepnetError } from '../lib/keepnet/errors';
import { MembershipNotVerifiedError } from '../lib/membership';
import { OperationsConfigError } from '../lib/operations/config';
import { OperationStoreError } from '../lib/operations/store';

/** Exit code per kind of failure (the table `--help` prints and docs/cli.md lists). */
export const ExitCode = {
  ok: 0,
  /** Bad arguments or options, or input Keepnet refused as invalid (400 / INPUT_ERROR). */
  usage: 1,
  /** The group, company, file or message named does not exist. */
  notFound: 2,
  /**
   * `plan` only: the plan has changes (as `terraform plan -detailed-exitcode`). `plan` never exits 2
   * for anything else: a file it cannot read is a usage error (1), a group gone mid-read upstream (4).
   */
  planHasChanges: 2,
  /** Credentials missing, refused (401) or not a Reseller (403); unsafe or malformed configuration. */
  authOrConfig: 3,
  /** Keepnet or AWS failed: 5xx, 429 after retries, network, timeout. Usually worth retrying. */
  upstream: 4,
  /** Only part of what was asked was done: companies Keepnet refused, an export cut short, part of a redrive. */
  incomplete: 5,
  /**
   * A group operation was queued but had not settled when `--timeout` ran out. It may still be applied:
   * `operations get <id> --wait` tells. Apart from 4 because running the command again is not the cure.
   */
  pending: 6,
  /** `apply --plan`: Keepnet moved since the plan was saved; nothing was written. Plan again. */
  stalePlan: 7,
  /** A bug in this tool. */
  internal: 10,
} as const;

/** A process exit status this CLI uses (the numbers docs/cli.md documents). */
export type ExitCodeValue = (typeof ExitCode)[keyof typeof ExitCode];

/** Thrown by commands for a problem the operator can fix by changing the command line. */
export class UsageError extends Error {
  override readonly name = 'UsageError';
}

/** Thrown by commands when something named on the command line does not exist. */
export class NotFoundError extends Error {
  override readonly name = 'NotFoundError';
}

/** Thrown by commands for missing credentials or configuration. */
export class ConfigurationError extends Error {
  override readonly name = 'ConfigurationError';
}

/** Thrown by commands when Keepnet or AWS broke off mid-way (e.g. a download cut short). */
export class UpstreamError extends Error {
  override readonly name = 'UpstreamError';
}

/** Thrown when a write went out but its effect could not be confirmed in full. */
export class IncompleteError extends Error {
  override readonly name = 'IncompleteError';
}

/**
 * A group operation the worker settled as failed. Its exit code follows the failure's code: what
 * Keepnet refused as invalid is a usage error (as a direct write's 400 was), a group gone is not
 * found, anything else (retries exhausted, the queue unreachable) is an upstream failure.
 */
export class OperationFailedError extends Error {
  override readonly name = 'OperationFailedError';
  constructor(
    message: string,
    readonly code: string,
  ) {
    super(message);
  }

  get exitCode(): ExitCodeValue {
    switch (this.code) {
      case 'RENAME_REFUSED':
      case 'COMPANY_REFUSED':
      case 'GROUP_NAME_REFUSED':
      case 'INVALID_MESSAGE':
        return ExitCode.usage;
      case 'GROUP_NOT_FOUND':
        return ExitCode.notFound;
      default:
        return ExitCode.upstream;
    }
  }
}

/** Ends a command with an exit code but no error message (what it had to say is on stdout). */
export class QuietExit extends Error {
  override readonly name = 'QuietExit';
  constructor(readonly exitCode: ExitCodeValue) {
    super(`exit ${exitCode}`);
  }
}

/** A saved plan no longer matches Keepnet. */
export class StalePlanError extends Error {
  override readonly name = 'StalePlanError';
}

/** A group operation still pending when the wait ran out. */
export class OperationPendingError extends Error {
  override readonly name = 'OperationPendingError';
}

/** An AWS SDK service error (S3, SQS, Secrets Manager) carries `name` and `$metadata.httpStatusCode`. */
function awsErrorStatus(error: unknown): { name: string; status: number | undefined } | undefined {
  if (!(error instanceof Error) || !('$metadata' in error)) return undefined;
  const metadata = (error as { $metadata?: { httpStatusCode?: number } }).$metadata;
  return { name: error.name, status: metadata?.httpStatusCode };
}

/** The exit code for whatever a command threw (`internal` for anything not recognised). */
export function exitCodeFor(error: unknown): ExitCodeValue {
  if (error instanceof CommanderError) {
    return error.exitCode === 0 ? ExitCode.ok : ExitCode.usage;
  }
  if (error instanceof QuietExit) return error.exitCode;
  if (error instanceof StalePlanError) return ExitCode.stalePlan;
  if (
    error instanceof UsageError ||
    error instanceof IdempotencyConflictError ||
    error instanceof DesiredStateError ||
    error instanceof RemovalsRefusedError
  )
    return ExitCode.usage;
  if (error instanceof OperationFailedError) return error.exitCode;
  if (error instanceof OperationPendingError) return ExitCode.pending;
  if (error instanceof OperationsConfigError) return ExitCode.authOrConfig;
  if (error instanceof OperationStoreError) return ExitCode.upstream;
  if (error instanceof NotFoundError) return ExitCode.notFound;
  if (error instanceof ConfigurationError) return ExitCode.authOrConfig;
  if (error instanceof UpstreamError) return ExitCode.upstream;
  if (error instanceof IncompleteError || error instanceof MembershipNotVerifiedError)
    return ExitCode.incomplete;
  if (isKeepnetError(error)) {
    switch (error.kind) {
      case 'validation':
        return ExitCode.usage;
      case 'not-found':
        return ExitCode.notFound;
      case 'authentication':
      case 'forbidden':
      case 'configuration':
        return ExitCode.authOrConfig;
      default:
        return ExitCode.upstream;
    }
  }
  const aws = awsErrorStatus(error);
  if (aws) {
    if (
      aws.status === 404 ||
      /NotFound|NoSuchKey|NoSuchBucket|NonExistentQueue|DoesNotExist/.test(aws.name)
    ) {
      return ExitCode.notFound;
    }
    if (aws.status === 401 || aws.status === 403 || /AccessDenied|Credentials|Signature/.test(aws.name)) {
      return ExitCode.authOrConfig;
    }
    return ExitCode.upstream;
  }
  // Credential resolution and socket failures from the SDK or fetch have no $metadata.
  if (error instanceof Error && /CredentialsProviderError/.test(error.name)) return ExitCode.authOrConfig;
  if (
    error instanceof Error &&
    'code' in error &&
    /^(ECONN|ENOTFOUND|ETIMEDOUT|EAI_|EPIPE|UND_ERR)/.test(String(error.code))
  ) {
    return ExitCode.upstream;
  }
  if (error instanceof Error && 'code' in error && error.code === 'ENOENT') return ExitCode.notFound;
  return ExitCode.internal;
}
