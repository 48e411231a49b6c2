// How `PUT …/participants` is used: a property of membership writes, read from PARTICIPANTS_MODE.
import * as z from 'zod';

/**
 * `union` (default): every PUT carries the current members and the new ones, right whether Keepnet's
 * PUT adds or replaces. `additive`: the first PUT carries only the new ones (an operator confirmed the
 * API adds); a read-back that disagrees switches that write back to the union.
 */
export type ParticipantsMode = 'union' | 'additive';

export const ParticipantsModeSchema = z
  .enum(['union', 'additive'], { error: 'must be "union" or "additive"' })
  .default('union');
