// The shared Logger's safety net (lib/observability/redact.ts), checked on what it really prints, and
// the source-level rules that keep raw events out of the logs.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Logger } from '@aws-lambda-powertools/logger';
import { REDACTED, redactSecrets, redactText } from '../../lib/observability/redact';

const ROOT = process.cwd();
const JWT = 'eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJtc3AtY2xpZW50In0.c2lnbmF0dXJlLXZhbHVl';
const SIGV4 =
  'AWS4-HMAC-SHA256 Credential=AKIAIOSFODNN7EXAMPLE/20261128/eu-west-1/execute-api/aws4_request, ' +
  'SignedHeaders=host;x-amz-date, Signature=0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef';

/** The shared logger, loaded fresh at DEBUG, and every line it writes to stdout/stderr. */
function sharedLoggerAtDebug(): { logger: Logger; lines: string[]; restore: () => void } {
  const lines: string[] = [];
  const spies = [process.stdout, process.stderr].map((stream) =>
    jest.spyOn(stream, 'write').mockImplementation((chunk: string | Uint8Array) => {
      lines.push(String(chunk));
      return true;
    }),
  );
  const level = process.env.POWERTOOLS_LOG_LEVEL;
  process.env.POWERTOOLS_LOG_LEVEL = 'DEBUG';
  let logger: Logger | undefined;
  jest.isolateModules(() => {
    logger = (
      require('../../lib/observability/powertools') as typeof import('../../lib/observability/powertools')
    ).logger;
  });
  process.env.POWERTOOLS_LOG_LEVEL = level;
  return {
    logger: logger!,
    lines,
    restore: () => {
      for (const spy of spies) spy.mockRestore();
    },
  };
}

describe('the shared logger redacts credentials it is handed by mistake', () => {
  it('replaces credential keys at any depth and credential-shaped text in any string, keeps ids', () => {
    const { logger, lines, restore } = sharedLoggerAtDebug();
    try {
      logger.debug('outgoing request', {
        secretId: 'keepnet/credentials',
        tokenFormat: 'jwt',
        request: {
          headers: {
            Authorization: `Bearer ${JWT}`,
            'x-amz-security-token': 'FwoGZXIvYXdzEXAMPLE',
            Accept: 'json',
          },
          body: 'grant_type=client_credentials&client_id=msp&client_secret=s3cr3t-value',
        },
        reply: { access_token: JWT, expires_in: 3600 },
        credentials: { clientId: 'msp', clientSecret: 's3cr3t-value' },
      });
      logger.error(
        'call failed',
        new Error(`refused; the request carried Authorization: ${SIGV4}`, { cause: JWT }),
      );
    } finally {
      restore();
    }
    const output = lines.join('');
    expect(lines).toHaveLength(2);
    for (const secret of ['s3cr3t-value', JWT, 'FwoGZXIvYXdzEXAMPLE', 'Signature=0123', 'Bearer ']) {
      expect(output).not.toContain(secret);
    }
    const [debug, error] = lines.map((line) => JSON.parse(line));
    expect(debug).toMatchObject({
      secretId: 'keepnet/credentials',
      tokenFormat: 'jwt',
      request: {
        headers: { Authorization: REDACTED, 'x-amz-security-token': REDACTED, Accept: 'json' },
        body: `grant_type=client_credentials&client_id=msp&client_secret=${REDACTED}`,
      },
      reply: { access_token: REDACTED, expires_in: 3600 },
      credentials: { clientId: 'msp', clientSecret: REDACTED },
    });
    expect(error.error.message).toBe(
      `refused; the request carried Authorization: AWS4-HMAC-SHA256 ${REDACTED}`,
    );
  });

  it('leaves ordinary text and values alone', () => {
    const text = 'Could not add Xk3 to group Q3s: Keepnet answered 429 (retry after 2 s); bearer of news';
    expect(redactText(text)).toBe(text);
    expect(redactSecrets('count', 3)).toBe(3);
    expect(redactSecrets('secretId', 'keepnet/credentials')).toBe('keepnet/credentials');
    expect(redactSecrets('token', null)).toBeNull();
  });
});

describe('raw events never reach the logs', () => {
  const sources = (dir: string): string[] =>
    readdirSync(join(ROOT, dir), { recursive: true, encoding: 'utf8' })
      .filter((file) => file.endsWith('.ts'))
      .map((file) => join(dir, file));

  it('no function or library enables Powertools event logging (it would print SigV4 and webhook headers)', () => {
    const offenders = [...sources('functions'), ...sources('lib'), ...sources('infra')].filter((file) =>
      /injectLambdaContext|logEvent\s*:\s*true|POWERTOOLS_LOGGER_LOG_EVENT|POWERTOOLS_DEV/.test(
        readFileSync(join(ROOT, file), 'utf8'),
      ),
    );
    expect(offenders).toEqual([]);
  });

  it('handlers do not print through console (only the shared, redacting logger)', () => {
    const offenders = sources('functions').filter((file) =>
      /\bconsole\.|process\.std(out|err)/.test(readFileSync(join(ROOT, file), 'utf8')),
    );
    expect(offenders).toEqual([]);
  });
});
