/**
 * A TCP relay on loopback between a client and the OMS, for tests of what a client sees
 * when the network fails: it forwards bytes both ways until told to drop a direction
 * (the bytes vanish, as on a broken link, while the connection stays up), and it can cut
 * every connection at once. Both ends see an ordinary TCP peer; nothing is simulated
 * above the socket.
 */
import net from 'node:net';

export class TcpProxy {
  /** Client -> server bytes are discarded while set. */
  drop_upstream = false;
  /** Server -> client bytes are discarded while set. */
  drop_downstream = false;
  /** New connections are reset at once while set, as if the server were not there. */
  refuse_new = false;
  private readonly sockets = new Set<net.Socket>();

  private constructor(private readonly server: net.Server, readonly port: number) {}

  /** Listens on a free port and relays every connection to target_port on 127.0.0.1. */
  static async start(target_port: number): Promise<TcpProxy> {
    let proxy: TcpProxy | null = null;
    const server = net.createServer((client) => {
      if (proxy!.refuse_new) client.resetAndDestroy();
      else proxy!.relay(client, target_port);
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    proxy = new TcpProxy(server, (server.address() as net.AddressInfo).port);
    return proxy;
  }

  get url(): string {
    return `ws://127.0.0.1:${this.port}/ws`;
  }

  /** Destroys every relayed connection (both ends see a reset, no close handshake). */
  cutAll(): void {
    for (const socket of this.sockets) socket.destroy();
  }

  async close(): Promise<void> {
    this.cutAll();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  private relay(client: net.Socket, target_port: number): void {
    // Half-open allowed, so that when the server side closes first (the OMS was killed, or
    // ended the session) the relay answers with a reset rather than a FIN of its own: the
    // server's port is then left without TIME_WAIT connections, which would keep a
    // restarted OMS from listening on it again (uWebSockets.js listens without SO_REUSEADDR).
    const upstream = net.connect({ port: target_port, host: '127.0.0.1', allowHalfOpen: true });
    upstream.on('end', () => {
      upstream.resetAndDestroy();
      client.destroy();
    });
    for (const socket of [client, upstream]) {
      this.sockets.add(socket);
      socket.on('error', () => {});
      socket.on('close', () => {
        this.sockets.delete(socket);
        client.destroy();
        upstream.destroy();
      });
    }
    client.on('data', (bytes) => { if (!this.drop_upstream) upstream.write(bytes); });
    upstream.on('data', (bytes) => { if (!this.drop_downstream) client.write(bytes); });
  }
}
