// Export-now's download link: the URL carries the lifetime asked for, and the expiry reported is never
// later than the signing credentials' own (a Lambda role's session ends, and the URL with it).
import { S3Client } from '@aws-sdk/client-s3';
import { presignDownload } from '../../lib/rest-api/dependencies';

const s3WithCredentialsExpiring = (expiration: Date | undefined) =>
  new S3Client({
    region: 'eu-west-1',
    credentials: async () => ({
      accessKeyId: 'ASIAEXAMPLEEXAMPLE',
      secretAccessKey: 'example-secret-access-key',
      sessionToken: 'example-session-token',
      ...(expiration ? { expiration } : {}),
    }),
  });

describe('presignDownload', () => {
  it('reports the lifetime asked for when the credentials outlive it', async () => {
    const before = Date.now();
    const { url, expiresAt } = await presignDownload(
      s3WithCredentialsExpiring(new Date(before + 6 * 3600_000)),
      'bucket',
      'exports/a.csv',
      900,
    );
    expect(new URL(url).searchParams.get('X-Amz-Expires')).toBe('900');
    expect(expiresAt.getTime()).toBeGreaterThanOrEqual(before + 900_000);
    expect(expiresAt.getTime()).toBeLessThanOrEqual(Date.now() + 900_000);
  });

  it('reports the credentials expiry when they end before the lifetime asked for', async () => {
    const credentialsEnd = new Date(Date.now() + 10 * 60_000);
    const { url, expiresAt } = await presignDownload(
      s3WithCredentialsExpiring(credentialsEnd),
      'bucket',
      'exports/a.csv',
      43_200,
    );
    expect(new URL(url).searchParams.get('X-Amz-Expires')).toBe('43200');
    expect(expiresAt.toISOString()).toBe(credentialsEnd.toISOString());
  });

  it('reports the lifetime asked for when the credentials do not expire', async () => {
    const { expiresAt } = await presignDownload(s3WithCredentialsExpiring(undefined), 'b', 'k', 60);
    expect(Math.abs(expiresAt.getTime() - (Date.now() + 60_000))).toBeLessThan(5_000);
  });
});
