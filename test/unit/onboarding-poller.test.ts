// The poller's translation of a Keepnet company into a CompanyCreated detail: whatever Keepnet
// returns, the detail must pass the router's schema, or the company would never be onboarded.
import { CompanyCreatedDetailSchema } from '../../lib/onboarding/company-created';
import { parseCreateTime, toCompanyCreatedDetail } from '../../lib/onboarding/poller/poll';

describe('toCompanyCreatedDetail', () => {
  it('cuts over-long names and attribute values to the schema bounds instead of emitting an invalid event', () => {
    const detail = toCompanyCreatedDetail({
      companyResourceId: 'AbC123dEf456',
      companyName: 'N'.repeat(300),
      createTime: '2026-11-28T17:39:08.1234567',
      industryName: 'I'.repeat(400),
      licenseTypeName: 'L'.repeat(257),
    });
    expect(CompanyCreatedDetailSchema.safeParse(detail).success).toBe(true);
    expect(detail.attributes).toEqual({ industry: 'I'.repeat(256), licenseType: 'L'.repeat(256) });
  });
});

describe('parseCreateTime', () => {
  it.each([
    ['2026-11-28T17:39:08.1234567', '2026-11-28T17:39:08.123Z'],
    ['2026-11-28T17:39:08.1234567Z', '2026-11-28T17:39:08.123Z'],
    ['2026-11-28T17:39:08+03:00', '2026-11-28T14:39:08.000Z'],
  ])('reads %s (.NET precision, zone or none) as UTC', (text, iso) => {
    expect(new Date(parseCreateTime(text)).toISOString()).toBe(iso);
  });

  it('refuses an unreadable time rather than guessing', () => {
    expect(() => parseCreateTime('yesterday')).toThrow(/Unreadable createTime "yesterday"/);
  });
});
