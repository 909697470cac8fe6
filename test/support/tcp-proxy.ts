import { once } from 'node:events';
import { createConnection, createServer, type Server, type Socket } from 'node:net';

/**
 * A loopback TCP proxy in front of a server (Postgres), so a test can take the server away from
 * the app and give it back without touching the server itself. While cut, every connection the
 * app holds is destroyed and new ones are reset as soon as they arrive (and counted). While held,
 * connections stay open but nothing the app sends gets through (a server that stopped answering).
 */
export class TcpProxy {
  private readonly sockets = new Set<Socket>();
  private readonly upstreams = new Map<Socket, Socket>();
  private open: boolean;
  private held = false;
  /** Connections reset while the proxy was cut. */
  refused = 0;

  private constructor(
    private readonly server: Server,
    readonly port: number,
    initiallyOpen: boolean,
  ) {
    this.open = initiallyOpen;
  }

  /** Listens on a free loopback port and forwards to `target` (host:port), open unless told otherwise. */
  static async start(target: { host: string; port: number }, options: { open?: boolean } = {}): Promise<TcpProxy> {
    const server = createServer();
    server.listen(0, '127.0.0.1');
    await once(server, 'listening');
    const proxy = new TcpProxy(server, (server.address() as { port: number }).port, options.open ?? true);
    server.on('connection', (client: Socket) => proxy.accept(client, target));
    return proxy;
  }

  /** The same URL with its host and port replaced by the proxy's. */
  urlFor(url: string): string {
    const parsed = new URL(url);
    parsed.hostname = '127.0.0.1';
    parsed.port = String(this.port);
    return parsed.toString();
  }

  /** Connections currently forwarded (both sides counted once). */
  get activeConnections(): number {
    return this.sockets.size;
  }

  /** The outage: destroys every forwarded connection and refuses new ones. */
  cut(): void {
    this.open = false;
    for (const socket of this.sockets) socket.destroy();
    this.sockets.clear();
  }

  restore(): void {
    this.open = true;
  }

  /** A stall: connections stay up, but what clients send waits here (requests hang) until `release`. */
  hold(): void {
    this.held = true;
    for (const [client, upstream] of this.upstreams) client.unpipe(upstream);
  }

  release(): void {
    this.held = false;
    for (const [client, upstream] of this.upstreams) client.pipe(upstream);
  }

  async close(): Promise<void> {
    this.cut();
    this.server.close();
    await once(this.server, 'close');
  }

  private accept(client: Socket, target: { host: string; port: number }): void {
    if (!this.open) {
      this.refused += 1;
      client.resetAndDestroy();
      return;
    }
    const upstream = createConnection(target);
    this.sockets.add(client);
    const forget = () => {
      this.sockets.delete(client);
      this.upstreams.delete(client);
      client.destroy();
      upstream.destroy();
    };
    client.on('error', forget).on('close', forget);
    upstream.on('error', forget).on('close', forget);
    this.upstreams.set(client, upstream);
    if (!this.held) client.pipe(upstream);
    upstream.pipe(client);
  }
}
