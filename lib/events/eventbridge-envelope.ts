// The EventBridge envelope, checked without Powertools Parser's schema module (see EventBridgeSchema).
import * as z from 'zod';

/**
 * The EventBridge envelope, field for field what Powertools Parser's `EventBridgeSchema` checks. Defined
 * here rather than imported from '@aws-lambda-powertools/parser/schemas/eventbridge' because that module
 * does `import { z } from 'zod'`: the `z` namespace object is a value esbuild cannot tree-shake, so one
 * such import anywhere in a bundle pulls in all of zod classic (every locale, the JSON Schema converters,
 * the compiler): +350 KiB and about +13 ms of module init per function. Our own modules use
 * `import * as z from 'zod'`, whose members esbuild shakes one by one.
 */
export const EventBridgeSchema = z.object({
  version: z.string(),
  id: z.string(),
  source: z.string(),
  account: z.string(),
  time: z.iso.datetime(),
  region: z.string(),
  resources: z.array(z.string()),
  'detail-type': z.string(),
  detail: z.unknown(),
  'replay-name': z.string().optional(),
});
