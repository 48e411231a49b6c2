// What a Keepnet resource id and a group name may be, as every input that carries one checks it: events,
// queue messages, operation records and HTTP requests.
import * as z from 'zod';
import { GROUP_NAME_MAX_LENGTH } from './input';

/** Keepnet resource ids are 12 alphanumerics today; accept a little more, never separators or blanks. */
export const ResourceIdSchema = z
  .string()
  .regex(/^[A-Za-z0-9_-]{1,64}$/, 'must be 1..64 letters, digits, "_" or "-"');

/** Keepnet group names: 1..GROUP_NAME_MAX_LENGTH (64) characters after trimming. */
export const GroupNameSchema = z
  .string()
  .trim()
  .min(1, 'must not be blank')
  .max(GROUP_NAME_MAX_LENGTH, `must be at most ${GROUP_NAME_MAX_LENGTH} characters`);
