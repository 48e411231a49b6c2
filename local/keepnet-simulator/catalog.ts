// Reference data the seeded reseller uses: industries and licence types with stable resource ids,
// and name parts for realistic company names.

export const RESELLER_NAME = 'Northwind MSP';

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

export const LICENSE_TYPES = [
  { resourceId: 'LicTrial0001', name: 'Trial' },
  { resourceId: 'LicStandard1', name: 'Standard' },
  { resourceId: 'LicProfessnl', name: 'Professional' },
  { resourceId: 'LicEnterpris', name: 'Enterprise' },
] as const;

export const COUNTRIES = [
  'United Kingdom',
  'Germany',
  'France',
  'Netherlands',
  'Spain',
  'United States',
  'Turkey',
];

export const EU_COUNTRIES = new Set(['Germany', 'France', 'Netherlands', 'Spain']);

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
