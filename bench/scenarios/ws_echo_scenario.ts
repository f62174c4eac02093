/**
 * `ws-echo`: the ws-binary load against the echo server's /ws endpoint, which sends
 * every frame back unchanged: the physical limit of WebSocket order entry on this machine
 * (framing, masking, two event loops, loopback TCP; no codec, no OMS). The baseline of
 * ws-binary. Orders use the bench-local echo framing (load/ws_echo_framing.ts).
 */
import { MergedLoad } from '../harness/load_result.js';
import { RunSpec } from '../harness/run_spec.js';
import { GeneratorProgress, ScheduleListener } from '../load/generator_process.js';
import { runWsLoadProcesses } from '../load/ws_load_client.js';
import { ServerProcess } from '../servers/server_process.js';
import { EchoServerScenario } from './echo_server_scenario.js';
import { Topology } from './scenario.js';

export class WsEchoScenario extends EchoServerScenario {
  readonly name = 'ws-echo';
  readonly topology: Topology = {
    generator: 'WebSocket load-generator process(es): ws client, several 112-byte messages per frame',
    server: 'echo server process (bench/servers/echo_server.js, one uWebSockets.js event loop), /ws echoes frames',
    path: 'binary frame over loopback WebSocket -> echoed back unchanged',
  };

  protected drive(server: ServerProcess, spec: RunSpec, on_progress: (p: GeneratorProgress) => void, on_schedule: ScheduleListener): Promise<MergedLoad> {
    return runWsLoadProcesses(`ws://${server.options.host}:${server.options.port}`, 'echo-framing', spec, on_progress, on_schedule);
  }
}
