// Injected faults: rules matched against each request's route key, used up after `times` hits,
// optionally probabilistic with a seeded RNG so a flaky-network test replays identically.
import type { Random } from './rng';
import type { FaultHandle, FaultRule } from './types';

interface ActiveRule {
  rule: FaultRule;
  hits: number;
  cancelled: boolean;
}

function routeMatches(pattern: FaultRule['route'], routeKey: string): boolean {
  if (pattern === undefined || pattern === '*') return true;
  if (pattern instanceof RegExp) return pattern.test(routeKey);
  // "METHOD /template" must match whole; "/template" matches any method.
  return pattern.startsWith('/')
    ? routeKey.slice(routeKey.indexOf(' ') + 1) === pattern
    : routeKey === pattern;
}

/**
 * The injected fault rules (`injectFaults`), consulted once per request by server.ts: rules are tried in the
 * order they were added and the first that hits wins.
 */
export class FaultPlan {
  private rules: ActiveRule[] = [];

  constructor(private readonly random: Random) {}

  add(rules: FaultRule[]): FaultHandle[] {
    return rules.map((rule) => {
      const active: ActiveRule = { rule, hits: 0, cancelled: false };
      this.rules.push(active);
      return {
        get hits() {
          return active.hits;
        },
        get exhausted() {
          return active.cancelled || active.hits >= (rule.times ?? 1);
        },
        cancel: () => {
          active.cancelled = true;
        },
      };
    });
  }

  clear(): void {
    for (const active of this.rules) active.cancelled = true;
    this.rules = [];
  }

  /** The first live rule that hits this request (and counts the hit), if any. */
  take(routeKey: string): FaultRule | undefined {
    this.rules = this.rules.filter((a) => !a.cancelled && a.hits < (a.rule.times ?? 1));
    for (const active of this.rules) {
      if (!routeMatches(active.rule.route, routeKey)) continue;
      if (active.rule.probability !== undefined && this.random() >= active.rule.probability) continue;
      active.hits += 1;
      return active.rule;
    }
    return undefined;
  }
}
