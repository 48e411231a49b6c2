// A process that builds the Keepnet client and makes one call, as every CLI call and Lambda cold start
// does; run as a child by test/integration/quiet-stderr.test.ts, which checks it prints nothing on stderr.
// Input: KEEPNET_BASE_URL, KEEPNET_CLIENT_ID, KEEPNET_CLIENT_SECRET. Output: the group count on stdout.

import { KeepnetClient } from '../../lib/keepnet/client';
import { StaticCredentialsProvider } from '../../lib/keepnet/credentials/provider';

const client = new KeepnetClient({
  baseUrl: process.env.KEEPNET_BASE_URL,
  credentials: new StaticCredentialsProvider({
    clientId: process.env.KEEPNET_CLIENT_ID ?? '',
    clientSecret: process.env.KEEPNET_CLIENT_SECRET ?? '',
  }),
});
const groups = await client.listGroups();
await client.close();
process.stdout.write(`${groups.length}\n`);
