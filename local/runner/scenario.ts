// The demo data of `npm start`: example rules and the companies whose onboarding it runs. Company names
// carry a per-run tag, so a second run never collides with the first (and a reader of the summary can
// tell runs apart). Expected groups are written out by hand: the run fails if onboarding disagrees.
import type { CompanyCreatedDetail } from '../../lib/onboarding/company-created';
import type { NewCompany } from '../keepnet-simulator/types';

/** GROUP_RULES for the run: attributes → group names (format: lib/rules/group-rules.ts). */
export const EXAMPLE_GROUP_RULES = [
  { description: 'EU data residency', when: { region: 'EU' }, groups: ['EU Customers'] },
  // The poller only knows what Keepnet's company search returns: industry and licence type.
  { description: 'by industry', when: { industry: 'Finance' }, groups: ['Finance'] },
  { description: 'by licence', when: { licenseType: 'Enterprise' }, groups: ['Enterprise Licences'] },
  {
    description: 'regulated gold partners',
    when: { industry: ['Finance', 'Banking'], tags: 'msp-gold' },
    groups: ['Regulated', 'Gold Partners'],
  },
];

/** A seeded group every run can name by id (local/keepnet-simulator/seed.ts). */
export const SEEDED_GROUP_FOR_IDS = 'Pilot Programme';

/** One company of the demo: how it is created, the event that onboards it, and the groups it must end in. */
export interface OnboardingCase {
  /** What this case demonstrates, for the progress output. */
  shows: string;
  company: NewCompany;
  /** The event detail, minus companyResourceId (known once the company exists). */
  detail: (ids: { seededGroupId: string }) => Omit<CompanyCreatedDetail, 'companyResourceId'>;
  expectedGroups: string[];
}

/** A tag for this run: its UTC start time to the second (e.g. `20261128-170512`), sortable and short. */
export function runTag(now = new Date()): string {
  // Sortable, short, unique per second of runs: e.g. "20261128-170512".
  return now.toISOString().replace(/[-:]/g, '').replace('T', '-').slice(0, 15);
}

/** The companies the main job onboards through events, their names carrying `tag`. */
export function onboardingCases(tag: string): OnboardingCase[] {
  const onboardedGroup = `Onboarded ${tag}`;
  return [
    {
      shows: 'explicit group id + two rules (two groups created on the fly)',
      company: {
        name: `Helios Bank ${tag}`,
        industryName: 'Finance',
        countryName: 'Germany',
        tags: ['msp-gold'],
      },
      detail: ({ seededGroupId }) => ({
        companyName: `Helios Bank ${tag}`,
        attributes: { region: 'EU', industry: 'Finance', tags: ['msp-gold'] },
        groupResourceIds: [seededGroupId],
      }),
      expectedGroups: [SEEDED_GROUP_FOR_IDS, 'EU Customers', 'Finance', 'Regulated', 'Gold Partners'],
    },
    {
      shows: 'a group named in the event that does not exist yet',
      company: { name: `Northbridge Retail ${tag}`, industryName: 'Retail', countryName: 'United States' },
      detail: () => ({
        companyName: `Northbridge Retail ${tag}`,
        attributes: { region: 'US', industry: 'Retail' },
        groupNames: [onboardedGroup],
      }),
      expectedGroups: [onboardedGroup],
    },
    {
      shows: 'a rule only',
      company: { name: `Alpine Clinics ${tag}`, industryName: 'Healthcare', countryName: 'France' },
      detail: () => ({
        companyName: `Alpine Clinics ${tag}`,
        attributes: { region: 'EU', industry: 'Healthcare' },
      }),
      expectedGroups: ['EU Customers'],
    },
  ];
}

/**
 * Companies that appear in Keepnet between two poller runs (created outside this system). The poller
 * announces them with the attributes Keepnet knows (industry, licence type), so the rules place them.
 */
export function companiesForPoller(tag: string): { company: NewCompany; expectedGroups: string[] }[] {
  return [
    {
      company: {
        name: `Fjord Logistics ${tag}`,
        industryName: 'Logistics',
        licenseTypeName: 'Enterprise',
        countryName: 'Netherlands',
      },
      expectedGroups: ['Enterprise Licences'],
    },
    {
      company: {
        name: `Quayside Credit Union ${tag}`,
        industryName: 'Finance',
        licenseTypeName: 'Standard',
        countryName: 'United Kingdom',
      },
      expectedGroups: ['Finance'],
    },
  ];
}
