// Reference data the seeded reseller uses: industries and licence types with stable resource ids,
// and name parts for realistic company names.

/** The seeded reseller, served as `resellerName` on every company. */
export const RESELLER_NAME = 'Northwind MSP';

/**
 * Industries with the resource ids `POST /api/companies` may name; the ids are fixed so tests and kept state
 * can refer to them. The first is the default.
 */
export const INDUSTRIES = [
  { resourceId: 'IndFinance01', name: 'Finance' },
  { resourceId: 'IndHealth001', name: 'Healthcare' },
  { resourceId: 'IndRetail001', name: 'Retail' },
  { resourceId: 'IndManufact1', name: 'Manufacturing' },
  { resourceId: 'IndEducation', name: 'Education' },
  { resourceId: 'IndTechnolgy', name: 'Technology' },
  { resourceId: 'IndLegal0001', name: 'Legal' },
  { resourceId: 'IndPublicSec', name: 'Public Sector' },
] as const;

/**
 * Licence types with fixed resource ids, as for INDUSTRIES; seeded `Trial` licences end after 30 days, the
 * others after a year.
 */
export const LICENSE_TYPES = [
  { resourceId: 'LicTrial0001', name: 'Trial' },
  { resourceId: 'LicStandard1', name: 'Standard' },
  { resourceId: 'LicProfessnl', name: 'Professional' },
  { resourceId: 'LicEnterpris', name: 'Enterprise' },
] as const;

/** Countries the seed draws from: EU and non-EU, so the seeded "EU Customers" group has a rule to fill it. */
export const COUNTRIES = [
  'United Kingdom',
  'Germany',
  'France',
  'Netherlands',
  'Spain',
  'United States',
  'Turkey',
];

/** The countries whose companies the seeded "EU Customers" group takes in. */
export const EU_COUNTRIES = new Set(['Germany', 'France', 'Netherlands', 'Spain']);

/**
 * First halves of seeded company names (fictional brands), paired with NAME_SECOND; a repeated pair gets a
 * number.
 */
export const NAME_FIRST = [
  'Acme',
  'Globex',
  'Initech',
  'Umbrella',
  'Stark',
  'Wayne',
  'Hooli',
  'Vandelay',
  'Soylent',
  'Tyrell',
  'Cyberdyne',
  'Wonka',
  'Gringotts',
  'Oscorp',
  'Aperture',
  'Massive',
  'Pied Piper',
  'Dunder',
  'Bluth',
  'Prestige',
  'Nakatomi',
  'Monarch',
  'Sterling',
  'Oceanic',
  'Zenith',
];

/** Second halves of seeded company names: legal forms and trades. */
export const NAME_SECOND = [
  'Holdings',
  'Ltd',
  'GmbH',
  'Partners',
  'Bank',
  'Clinic',
  'Retail',
  'Labs',
  'Logistics',
  'Capital',
  'Insurance',
  'Systems',
  'Foods',
  'Legal LLP',
  'Academy',
  'Industries',
];
