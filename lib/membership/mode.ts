// How `PUT …/participants` is used: a property of membership writes, read from PARTICIPANTS_MODE
// (lib/onboarding/config.ts parses it at the worker's cold start).

/**
 * `union` (default): every PUT carries the current members and the new ones, right whether Keepnet's
 * PUT adds or replaces. `additive`: the first PUT carries only the new ones (an operator confirmed the
 * API adds); a read-back that disagrees switches that write back to the union.
 */
export type ParticipantsMode = 'union' | 'additive';
