/**
 * `ws-echo`: the ws-binary load against the echo server's /ws endpoint, which sends
 * every frame back unchanged: the physical limit of WebSocket order entry on this machine
 * (framing, masking, two event loops, loopback TCP; no codec, no OMS). The baseline of
 * ws-binary. Orders use the bench-local echo framing (load/ws_echo_framing.ts).
 */
import { EchoServerScenario } from './echo_server_scenario.js';
import { Topology } from './scenario.js';

export class WsEchoScenario extends EchoServerScenario {
  readonly name = 'ws-echo';
  protected readonly transport = 'ws';
  readonly topology: Topology = {
    generator: 'WebSocket load-generator process(es): ws client, several 112-byte messages per frame',
    server: 'echo server process (bench/servers/echo_server.js, one uWebSockets.js event loop), /ws echoes frames',
    path: 'binary frame over loopback WebSocket -> echoed back unchanged',
  };
}
