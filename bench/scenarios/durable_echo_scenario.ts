/**
 * `durable-echo`: the http-json load against the echo server with the OMS's durability
 * discipline and nothing else: every order becomes an event on a ring, the product's
 * journal worker appends it, writes and (fsync) fdatasyncs with group commit, and the
 * answer goes out only once the order's event is durable. It is the physical limit of a
 * *durable* answer on this machine: http-json divided by it is the OMS's own cost beyond
 * making an order durable. Runs beside http-json when the run's durability is fsync or
 * write, and follows --durability.
 *
 * Topology: durable echo server process (one uWebSockets.js event loop plus the journal
 * worker thread) <- loopback TCP -> load-generator process(es).
 */
import { EchoServerScenario } from './echo_server_scenario.js';
import { LoadDefaults, Topology } from './scenario.js';

export class DurableEchoScenario extends EchoServerScenario {
  readonly name = 'durable-echo';
  protected readonly transport = 'http';
  protected override readonly durable = true;
  /**
   * http-json's load (one request in flight on each of 32 connections): it answers
   * asynchronously too, and uWebSockets.js closes a connection on which a pipelined
   * request arrives while an earlier answer is pending.
   */
  override readonly load_defaults: LoadDefaults = { connections: 32, pipeline: 1, window: 1 };
  readonly topology: Topology = {
    generator: 'HTTP load-generator process(es): node:net, pre-encoded pipelined HTTP/1.1',
    server: 'durable echo server process (bench/servers/echo_server.js, one uWebSockets.js event loop '
      + `+ the journal worker thread, ECHO_DURABILITY=${this.settings.durability})`,
    path: 'POST /orders over loopback TCP -> JSON.parse -> event on a ring -> journal (append, write, fdatasync: group commit) -> 200',
  };
}
