/**
 * `echo`: the http-json load against the echo server, the physical limit of HTTP order
 * entry on this machine (uWebSockets.js parsing the order JSON and answering, nothing
 * else). Runs beside every HTTP scenario as its baseline.
 *
 * Topology: echo server process (one uWS event loop) <- loopback TCP -> load-generator
 * process(es) (node:net, pipelined HTTP/1.1); the bench process only orchestrates.
 */
import { EchoServerScenario } from './echo_server_scenario.js';
import { Topology } from './scenario.js';

export class EchoScenario extends EchoServerScenario {
  readonly name = 'echo';
  protected readonly transport = 'http';
  readonly topology: Topology = {
    generator: 'HTTP load-generator process(es): node:net, pre-encoded pipelined HTTP/1.1',
    server: 'echo server process (bench/servers/echo_server.js, one uWebSockets.js event loop)',
    path: 'POST /orders over loopback TCP -> JSON.parse -> 200 with a small JSON body',
  };
}
