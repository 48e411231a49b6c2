// Deterministic seed: one reseller with realistic companies (names, industries, licence types,
// countries, createTimes spread over the past months) and a few named groups with members.
// Same options, same data (ids included), so tests can rely on it and failures reproduce.
import { COUNTRIES, EU_COUNTRIES, INDUSTRIES, LICENSE_TYPES, NAME_FIRST, NAME_SECOND } from './catalog';
import { pick, type Random, seededRandom } from './rng';
import type { SimulatorStore } from './store';
import type { SeedOptions } from './types';

const DAY_MS = 86_400_000;

/** The seeded groups' names, in creation order; each is filled by its own rule (the last stays empty). */
export const SEEDED_GROUP_NAMES = ['EU Customers', 'Finance', 'Enterprise Licences', 'Pilot Programme'];

/** A name that needs RFC 4180 quoting, so every CSV consumer is exercised with one. */
export const AWKWARD_COMPANY_NAME = 'O\'Neil, Marsh & "Partners"';

/** The random source of the store's ids for a seed (apart from the data's, so ids do not shift with it). */
export function idSequence(seed = 42): Random {
  return seededRandom(seed ^ 0x5eed);
}

/** Replaces the store's contents with the seed (reported to a change listener once). */
export function seedStore(store: SimulatorStore, options: SeedOptions = {}): void {
  store.batch(() => seedInto(store, options));
}

function seedInto(store: SimulatorStore, options: SeedOptions): void {
  const seed = options.seed ?? 42;
  const random = seededRandom(seed);
  store.clear(idSequence(seed));
  if (options.empty) return;

  const now = options.now ?? Date.UTC(2026, 10, 1);
  const companyCount = options.companies ?? 50;
  // Spread createTimes over ~9 months, oldest first, as a reseller's book grows.
  const spanMs = 270 * DAY_MS;
  const times = Array.from({ length: companyCount }, () => now - Math.floor(random() * spanMs)).sort(
    (a, b) => a - b,
  );

  const usedNames = new Set<string>();
  times.forEach((time, index) => {
    let name =
      index === 7 ? AWKWARD_COMPANY_NAME : `${pick(random, NAME_FIRST)} ${pick(random, NAME_SECOND)}`;
    if (usedNames.has(name)) name = `${name} ${index + 1}`;
    usedNames.add(name);
    const license = pick(random, LICENSE_TYPES);
    store.addCompany({
      name,
      industryName: pick(random, INDUSTRIES).name,
      licenseTypeName: license.name,
      licenseEndDate: new Date(time + (license.name === 'Trial' ? 30 : 365) * DAY_MS).toISOString(),
      numberOfUsers: 10 + Math.floor(random() * 2000),
      countryName: pick(random, COUNTRIES),
      tags: random() < 0.2 ? ['msp-gold'] : [],
      createTime: new Date(time).toISOString(),
    });
  });

  const companies = store.companies();
  const groupTime = (daysAgo: number) => new Date(now - daysAgo * DAY_MS).toISOString();
  const byRule: Record<string, (c: (typeof companies)[number]) => boolean> = {
    'EU Customers': (c) => EU_COUNTRIES.has(c.countryName),
    Finance: (c) => c.industryName === 'Finance',
    'Enterprise Licences': (c) => c.licenseTypeName === 'Enterprise',
    'Pilot Programme': () => false,
  };
  SEEDED_GROUP_NAMES.forEach((groupName, index) => {
    const rule = byRule[groupName] ?? (() => false);
    store.addGroup(
      groupName,
      companies.filter(rule).map((c) => c.resourceId),
      groupTime(300 - index * 20),
    );
  });

  const membersPerExtra = options.membersPerExtraGroup ?? 5;
  for (let i = 1; i <= (options.extraGroups ?? 0); i++) {
    const members = new Set<string>();
    while (companies.length > 0 && members.size < Math.min(membersPerExtra, companies.length)) {
      members.add(pick(random, companies).resourceId);
    }
    store.addGroup(`Group ${String(i).padStart(4, '0')}`, [...members], groupTime(200 - (i % 200)));
  }
}
