/**
 * `hop-echo`: the http-json load against the echo server with the OMS's thread handoff and
 * nothing else: every order becomes a command on the production command ring, a worker
 * standing where the engine stands (the engine's rings, doorbell and idle strategy; an OK
 * reply at once) answers it, and the io thread waits for that reply as the OMS's does
 * (bench/servers/hop_answers.ts) before it answers. The floor of an order at durability
 * none under DESIGN.md's threads: hop-echo divided by echo is what the handoff itself
 * costs on this machine, http-json divided by hop-echo is the OMS's own work beyond it.
 * Runs beside echo; the `floor` suite runs it beside http-json in the same run.
 *
 * Topology: hop echo server process (one uWebSockets.js event loop plus the engine's
 * stand-in worker thread) <- loopback TCP -> load-generator process(es).
 */
import { EchoServerScenario } from './echo_server_scenario.js';
import { LoadDefaults, ScenarioName, Topology } from './scenario.js';

export class HopEchoScenario extends EchoServerScenario {
  readonly name = 'hop-echo';
  protected readonly transport = 'http';
  override readonly baseline: ScenarioName = 'echo';
  protected override readonly hop = true;
  /** http-json's load: it answers asynchronously too (see durable_echo_scenario.ts). */
  override readonly load_defaults: LoadDefaults = { connections: 32, pipeline: 1, window: 1 };
  readonly topology: Topology = {
    generator: 'HTTP load-generator process(es): node:net, pre-encoded pipelined HTTP/1.1',
    server: 'hop echo server process (bench/servers/echo_server.js with ECHO_HOP=1, one uWebSockets.js event loop '
      + '+ a worker thread standing where the engine stands)',
    path: 'POST /orders over loopback TCP -> JSON.parse -> command ring -> worker (OK reply at once) -> reply ring -> 200',
  };
}
