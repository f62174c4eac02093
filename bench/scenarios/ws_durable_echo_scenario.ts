/**
 * `ws-durable-echo`: the ws-binary load against the durable echo's /ws endpoint: every
 * 112-byte message of a frame becomes an event the product's journal worker makes
 * durable (group commit), and the frame is echoed back unchanged once all of its events
 * are. The physical limit of a durable WebSocket answer on this machine; runs beside
 * ws-binary when the run's durability is fsync or write, and follows --durability.
 */
import { EchoServerScenario } from './echo_server_scenario.js';
import { Topology } from './scenario.js';

export class WsDurableEchoScenario extends EchoServerScenario {
  readonly name = 'ws-durable-echo';
  protected readonly transport = 'ws';
  protected override readonly durable = true;
  readonly topology: Topology = {
    generator: 'WebSocket load-generator process(es): ws client, several 112-byte messages per frame',
    server: 'durable echo server process (bench/servers/echo_server.js, one uWebSockets.js event loop '
      + `+ the journal worker thread, ECHO_DURABILITY=${this.settings.durability}), /ws`,
    path: 'binary frame over loopback WebSocket -> one event per message on a ring -> journal (append, write, fdatasync: group commit) -> frame echoed back',
  };
}
