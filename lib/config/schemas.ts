// zod/mini schemas of settings more than one reader parses. zod/mini, not classic zod: these run in
// every cold start (bench/cold-start.ts), and mini loads in a fraction of the time.
import * as z from 'zod/mini';
import '../validation/zod-mini-locale';

/** PARTICIPANTS_MODE: `union` unless set; anything but the two modes is refused with both named. */
export const ParticipantsModeSchema = z._default(
  z.enum(['union', 'additive'], { error: 'must be "union" or "additive"' }),
  'union',
);

/** ONBOARDING_QUEUE_URL: a URL (SQS accepts only its own queue URLs, so no more is checked here). */
export const QueueUrlSchema = z.url({ error: 'must be the URL of the onboarding FIFO queue' });
