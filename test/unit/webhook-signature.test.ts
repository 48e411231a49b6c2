// The webhook's HMAC scheme, freshness window, replay cache and secret format, without any server.
import {
  computeSignature,
  createWebhookVerifier,
  DEFAULT_TOLERANCE_SECONDS,
  InMemoryReplayCache,
  MAX_FUTURE_SKEW_SECONDS,
  parseWebhookSecret,
  SQS_DEDUPLICATION_WINDOW_SECONDS,
  signWebhook,
  verifyWebhookSignature,
  WebhookSecretError,
  WebhookVerificationError,
} from '../../lib/webhook/index';

const SECRET = 'whsec-test-0123456789abcdef';
const BODY = '{"companyResourceId":"xC5kfGz7w2Nz"}';
const TS = 1764345600;

function reasonOf(run: () => unknown): string | undefined {
  try {
    run();
  } catch (error) {
    if (error instanceof WebhookVerificationError) return error.reason;
    throw error;
  }
  return undefined;
}

describe('signature scheme', () => {
  it('is HMAC-SHA256 over "<timestamp>.<body>" in lower-case hex (same as openssl dgst -sha256 -hmac)', () => {
    // printf '%s' '1764345600.{"companyResourceId":"xC5kfGz7w2Nz"}' | openssl dgst -sha256 -hmac "$SECRET"
    expect(computeSignature(SECRET, String(TS), BODY)).toBe(
      'ac4499946077d60c8ec33e59da2ee30963def2c49ed2fca8f739decc270a35b0',
    );
    expect(signWebhook(SECRET, BODY, TS)).toEqual({
      'X-Keepnet-Timestamp': String(TS),
      'X-Keepnet-Signature': 'v1=ac4499946077d60c8ec33e59da2ee30963def2c49ed2fca8f739decc270a35b0',
    });
  });

  it('signs the exact bytes: a BOM and bytes that are not UTF-8 count, as openssl sees them', () => {
    // printf '1764345600.\xef\xbb\xbf{"a":"\xff"}' | openssl dgst -sha256 -hmac "$SECRET"
    const bytes = Buffer.concat([Buffer.from('\uFEFF{"a":"'), Buffer.from([0xff]), Buffer.from('"}')]);
    const expected = 'f924f93e0508966f52db41875df0551d21eb60cd7fac2bfb8bb22a0c2c799a79';
    expect(computeSignature(SECRET, String(TS), bytes)).toBe(expected);
    // The same text as a string is a different byte sequence (U+FFFD is three bytes): no match.
    expect(computeSignature(SECRET, String(TS), bytes.toString('utf8'))).not.toBe(expected);
    // A string is signed as its UTF-8 bytes.
    expect(computeSignature(SECRET, String(TS), Buffer.from(BODY))).toBe(
      computeSignature(SECRET, String(TS), BODY),
    );
  });

  const verify = (headers: Record<string, string>, nowSeconds = TS, body = BODY, secrets = [SECRET]) =>
    verifyWebhookSignature({
      timestamp: headers['X-Keepnet-Timestamp'],
      signature: headers['X-Keepnet-Signature'],
      rawBody: body,
      secrets,
      nowSeconds,
    });

  it('accepts the right signature, in either hex case, and returns it as the replay key', () => {
    const headers = signWebhook(SECRET, BODY, TS);
    expect(verify(headers)).toBe(computeSignature(SECRET, String(TS), BODY));
    const upper = {
      ...headers,
      'X-Keepnet-Signature': headers['X-Keepnet-Signature']!.toUpperCase().replace('V1=', 'v1='),
    };
    expect(reasonOf(() => verify(upper))).toBeUndefined();
  });

  it('accepts a timestamp up to 240 s old or 30 s ahead, and refuses one second more either way', () => {
    const headers = signWebhook(SECRET, BODY, TS);
    expect(reasonOf(() => verify(headers, TS + 240))).toBeUndefined();
    expect(reasonOf(() => verify(headers, TS - 30))).toBeUndefined();
    expect(reasonOf(() => verify(headers, TS + 241))).toBe('stale-timestamp');
    expect(reasonOf(() => verify(headers, TS - 31))).toBe('future-timestamp');
    // The old ±300 s window let a sender running 5 minutes fast be accepted.
    expect(reasonOf(() => verify(headers, TS - 300))).toBe('future-timestamp');
  });

  it('keeps every accepted copy of a request inside SQS deduplication of the first (API timeout 29 s)', () => {
    // First accepted at t1 >= ts - skew; a copy is accepted until ts + tolerance, queued within 29 s.
    expect(MAX_FUTURE_SKEW_SECONDS + DEFAULT_TOLERANCE_SECONDS + 29).toBeLessThan(
      SQS_DEDUPLICATION_WINDOW_SECONDS,
    );
  });

  it('refuses a changed byte, another secret, and malformed headers, each with its own reason', () => {
    const headers = signWebhook(SECRET, BODY, TS);
    expect(reasonOf(() => verify(headers, TS, `${BODY} `))).toBe('signature-mismatch');
    expect(reasonOf(() => verify(headers, TS, BODY, ['another-secret-0123456789']))).toBe(
      'signature-mismatch',
    );
    expect(reasonOf(() => verify({ ...headers, 'X-Keepnet-Timestamp': '' }))).toBe('missing-timestamp');
    expect(reasonOf(() => verify({ ...headers, 'X-Keepnet-Timestamp': '17643456OO' }))).toBe(
      'malformed-timestamp',
    );
    expect(reasonOf(() => verify({ ...headers, 'X-Keepnet-Timestamp': '1.5e9' }))).toBe(
      'malformed-timestamp',
    );
    expect(reasonOf(() => verify({ 'X-Keepnet-Timestamp': String(TS) }))).toBe('missing-signature');
    expect(reasonOf(() => verify({ ...headers, 'X-Keepnet-Signature': 'sha256=abc' }))).toBe(
      'malformed-signature',
    );
    // A signature for another timestamp does not transfer.
    expect(reasonOf(() => verify({ ...headers, 'X-Keepnet-Timestamp': String(TS + 1) }))).toBe(
      'signature-mismatch',
    );
  });

  it('accepts any of several v1 values and any of several secrets (rotation), but reads at most five values', () => {
    const good = signWebhook(SECRET, BODY, TS)['X-Keepnet-Signature']!;
    const junk = `v1=${'0'.repeat(64)}`;
    expect(
      reasonOf(() =>
        verify({ 'X-Keepnet-Timestamp': String(TS), 'X-Keepnet-Signature': `${junk}, ${good}` }),
      ),
    ).toBeUndefined();
    expect(
      reasonOf(() => verify(signWebhook(SECRET, BODY, TS), TS, BODY, ['old-secret-0123456789', SECRET])),
    ).toBeUndefined();
    const sixth = `${Array(5).fill(junk).join(',')},${good}`;
    expect(reasonOf(() => verify({ 'X-Keepnet-Timestamp': String(TS), 'X-Keepnet-Signature': sixth }))).toBe(
      'signature-mismatch',
    );
  });
});

describe('verifier (signature + replay)', () => {
  const headersOf = (record: Record<string, string>) => new Headers(record);

  it('accepts a request once, refuses its replay, and accepts it again after release (a failed hand-off)', async () => {
    const verifier = createWebhookVerifier({ secrets: async () => [SECRET], nowSeconds: () => TS });
    const headers = headersOf(signWebhook(SECRET, BODY, TS));
    const first = await verifier.verify(headers, BODY);
    await expect(verifier.verify(headers, BODY)).rejects.toMatchObject({ reason: 'replayed' });
    verifier.release(first);
    await expect(verifier.verify(headers, BODY)).resolves.toEqual(first);
  });

  it('takes a rotation replay with only the previous signature for the same request (replay key and event id)', async () => {
    const NEW = 'whsec-new-0123456789abcdef';
    const secrets = async () => [NEW, SECRET];
    const both = headersOf(signWebhook([NEW, SECRET], BODY, TS));
    const previousOnly = headersOf(signWebhook(SECRET, BODY, TS));
    const currentOnly = headersOf(signWebhook(NEW, BODY, TS));
    const container = createWebhookVerifier({ secrets, nowSeconds: () => TS });
    const first = await container.verify(both, BODY);
    await expect(container.verify(previousOnly, BODY)).rejects.toMatchObject({ reason: 'replayed' });
    await expect(container.verify(currentOnly, BODY)).rejects.toMatchObject({ reason: 'replayed' });
    // Another container (empty cache) accepts the copy, with the same event id: SQS deduplicates it.
    const other = createWebhookVerifier({ secrets, nowSeconds: () => TS + 10 });
    expect(await other.verify(previousOnly, BODY)).toEqual(first);
    expect(first.eventId).toBe(`webhook-${TS}-${first.bodySha256}`);
    expect(first.bodySha256).toMatch(/^[0-9a-f]{64}$/);
    // Another body or another timestamp is another request.
    const body2 = `${BODY} `;
    expect((await container.verify(headersOf(signWebhook(SECRET, body2, TS)), body2)).eventId).not.toBe(
      first.eventId,
    );
    expect((await container.verify(headersOf(signWebhook(SECRET, BODY, TS + 1)), BODY)).eventId).not.toBe(
      first.eventId,
    );
  });

  it('forgets signatures once their timestamp could no longer pass', () => {
    const cache = new InMemoryReplayCache(3);
    expect(cache.claim('a', 100, 0)).toBe(true);
    expect(cache.claim('a', 100, 50)).toBe(false);
    expect(cache.claim('a', 200, 100)).toBe(true); // expired at 100
    for (const key of ['b', 'c', 'd', 'e']) cache.claim(key, 1_000, 100);
    expect(cache.size).toBeLessThanOrEqual(3); // bounded even when every entry is live
  });
});

describe('secret format', () => {
  it('reads a plain secret or { current, previous }, and refuses short or malformed ones naming the problem', () => {
    expect(parseWebhookSecret(`  ${SECRET}\n`)).toEqual([SECRET]);
    expect(parseWebhookSecret(JSON.stringify({ current: SECRET, previous: 'previous-secret-0123' }))).toEqual(
      [SECRET, 'previous-secret-0123'],
    );
    expect(() => parseWebhookSecret('short')).toThrow(WebhookSecretError);
    expect(() => parseWebhookSecret('{"current": 1}')).toThrow(/current/);
    expect(() => parseWebhookSecret('{"current": "x"')).toThrow(/does not parse/);
  });
});
