// Which connection a request goes out on: the pool, a one-shot connection for creates, or the
// dispatcher a test injected. No request is sent: undici connects lazily.
import { Agent, Client, Pool } from 'undici';
import { DEFAULT_TIMEOUTS, KeepnetConnections } from '../../lib/keepnet/connections';
import { parseKeepnetBaseUrl } from '../../lib/keepnet/endpoint';

const endpoint = parseKeepnetBaseUrl('http://127.0.0.1:9', 'baseUrl');

describe('KeepnetConnections', () => {
  it('shares one pool for reads and idempotent writes, and gives each create a connection of its own', async () => {
    const connections = new KeepnetConnections({ timeouts: DEFAULT_TIMEOUTS });
    const read = connections.lease(endpoint, false);
    const write = connections.lease(endpoint, false);
    const create = connections.lease(endpoint, true);
    expect(read.dispatcher).toBeInstanceOf(Pool);
    expect(write.dispatcher).toBe(read.dispatcher);
    expect(connections.pooled(endpoint)).toBe(read.dispatcher);
    expect(create.dispatcher).toBeInstanceOf(Client);
    await create.release();
    expect((create.dispatcher as Client).destroyed).toBe(true);
    await read.release();
    expect((read.dispatcher as Pool).closed).toBe(false);
    await connections.close();
    expect((read.dispatcher as Pool).closed).toBe(true);
  });

  it('sends everything, creates included, through an injected dispatcher, and leaves it open', async () => {
    const agent = new Agent();
    const connections = new KeepnetConnections({ dispatcher: agent, timeouts: DEFAULT_TIMEOUTS });
    try {
      expect(connections.lease(endpoint, true).dispatcher).toBe(agent);
      expect(connections.lease(endpoint, false).dispatcher).toBe(agent);
      await connections.close();
      expect(agent.closed).toBe(false);
    } finally {
      await agent.close();
    }
  });
});
