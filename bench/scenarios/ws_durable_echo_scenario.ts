/**
 * `ws-durable-echo`: the ws-binary load against the durable echo's /ws endpoint: every
 * 112-byte message of a frame becomes an event the product's journal worker makes
 * durable (group commit), and the frame is echoed back unchanged once all of its events
 * are. The physical limit of a durable WebSocket answer on this machine; runs beside
 * ws-binary when the run's durability is fsync or write, and follows --durability.
 */
import { MergedLoad } from '../harness/load_result.js';
import { RunSpec } from '../harness/run_spec.js';
import { GeneratorProgress, ScheduleListener } from '../load/generator_process.js';
import { runWsLoadProcesses } from '../load/ws_load_client.js';
import { ServerProcess } from '../servers/server_process.js';
import { EchoServerScenario } from './echo_server_scenario.js';
import { Topology } from './scenario.js';

export class WsDurableEchoScenario extends EchoServerScenario {
  readonly name = 'ws-durable-echo';
  protected override readonly durable = true;
  readonly topology: Topology = {
    generator: 'WebSocket load-generator process(es): ws client, several 112-byte messages per frame',
    server: 'durable echo server process (bench/servers/echo_server.js, one uWebSockets.js event loop '
      + `+ the journal worker thread, ECHO_DURABILITY=${this.settings.durability}), /ws`,
    path: 'binary frame over loopback WebSocket -> one event per message on a ring -> journal (append, write, fdatasync: group commit) -> frame echoed back',
  };

  protected drive(server: ServerProcess, spec: RunSpec, on_progress: (p: GeneratorProgress) => void, on_schedule: ScheduleListener): Promise<MergedLoad> {
    return runWsLoadProcesses(`ws://${server.options.host}:${server.options.port}`, 'echo-framing', spec, on_progress, on_schedule);
  }
}
