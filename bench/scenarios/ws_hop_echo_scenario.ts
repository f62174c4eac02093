/**
 * `ws-hop-echo`: the ws-binary load against the hop echo's /ws endpoint: every 112-byte
 * message of a frame becomes a command the engine's stand-in worker answers at once, and
 * the frame is echoed back unchanged once all of its replies are in (see
 * hop_echo_scenario.ts). The floor of a WebSocket order at durability none under
 * DESIGN.md's threads; runs beside ws-echo, and the `floor` suite runs it beside
 * ws-binary in the same run.
 */
import { EchoServerScenario } from './echo_server_scenario.js';
import { ScenarioName, Topology } from './scenario.js';

export class WsHopEchoScenario extends EchoServerScenario {
  readonly name = 'ws-hop-echo';
  protected readonly transport = 'ws';
  override readonly baseline: ScenarioName = 'ws-echo';
  protected override readonly hop = true;
  readonly topology: Topology = {
    generator: 'WebSocket load-generator process(es): ws client, several 112-byte messages per frame',
    server: 'hop echo server process (bench/servers/echo_server.js with ECHO_HOP=1, one uWebSockets.js event loop '
      + '+ a worker thread standing where the engine stands), /ws',
    path: 'binary frame over loopback WebSocket -> one command per message on the command ring -> worker (OK reply at once) -> frame echoed back',
  };
}
