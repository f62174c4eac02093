/**
 * One OMS for a WebSocket test file, with a known BTCUSDT market, and sessions that are
 * closed after each test: what the WebSocket protocol tests share.
 */
import t from 'tap';
import { OmsServer } from './oms_server.js';
import { WsClient } from './ws_client.js';

export interface WsOmsFixture {
  readonly oms: OmsServer;
  /** A session logged on as the demo account "test", closed after the test. */
  logon(): Promise<WsClient>;
  /** A connection not logged on, closed after the test. */
  connect(): Promise<WsClient>;
}

export async function wsOmsFixture(env: Record<string, string> = {}): Promise<WsOmsFixture> {
  const oms = await OmsServer.start({ env });
  t.teardown(() => oms.cleanup());
  await oms.setMarket('BTCUSDT', { bid: 44999.5, ask: 45001.5, last: 45000, bid_size: 1000, ask_size: 1000 });
  const open: WsClient[] = [];
  t.afterEach(async () => {
    await Promise.all(open.splice(0).map((c) => c.close()));
  });
  const kept = (client: WsClient): WsClient => {
    open.push(client);
    return client;
  };
  return {
    oms,
    logon: async () => kept(await WsClient.logon(oms.url, 'test-key')),
    connect: async () => kept(await WsClient.connect(oms.url)),
  };
}
