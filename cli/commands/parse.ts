// Option parsers shared by the commands. They throw commander's InvalidArgumentError, which commander
// reports as "error: option '--x <v>' argument 'v' is invalid. <reason>" and exits with the usage code.
import { InvalidArgumentError } from 'commander';

const RESOURCE_ID = /^[A-Za-z0-9]{12}$/;

/** "a,b c" → ["a","b","c"], each a 12-character Keepnet resource id. */
export function parseIdList(value: string, previous: string[] = []): string[] {
  const ids = value
    .split(/[\s,]+/)
    .map((id) => id.trim())
    .filter((id) => id.length > 0);
  for (const id of ids) checkResourceId(id);
  return [...previous, ...ids];
}

/** Returns `id` when it is a Keepnet resource id (12 letters or digits). Throws `InvalidArgumentError`. */
export function checkResourceId(id: string): string {
  if (!RESOURCE_ID.test(id)) {
    throw new InvalidArgumentError(`"${id}" is not a Keepnet resource id (12 letters or digits)`);
  }
  return id;
}

/** An option value as a whole number >= 1. Throws `InvalidArgumentError`. */
export function parsePositiveInt(value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1) throw new InvalidArgumentError(`must be a whole number >= 1`);
  return n;
}
