import { once } from 'node:events';
import { createRequire } from 'node:module';
import { type AddressInfo, connect, createServer, type Socket } from 'node:net';
import { afterAll, describe, expect, it } from 'vitest';
import { fixDriverWriteWait } from './driverWriteWait.js';

// The driver's own connection class, on a real socket to a server that reads and never answers: the socket is destroyed
// without an error (as after the database closed the connection) and a command is written in the same turn, before the
// socket's `close`. The driver waits for `drain`; the workaround turns the cleanup at `close` into a rejection.
const fromMongoose = createRequire(createRequire(import.meta.url).resolve('mongoose'));
const { Connection } = fromMongoose('mongodb/lib/cmap/connection.js') as {
  Connection: new (
    socket: Socket,
    options: object,
  ) => {
    command(ns: unknown, command: object, options?: object): Promise<unknown>;
    closed: boolean;
  };
};
const { MongoDBNamespace } = fromMongoose('mongodb/lib/utils.js') as { MongoDBNamespace: new (db: string) => unknown };

const peers: Socket[] = [];
const server = createServer((peer) => {
  peers.push(peer);
  peer.resume();
});
server.listen(0, '127.0.0.1');
await once(server, 'listening');
afterAll(() => {
  for (const peer of peers) peer.destroy();
  server.close();
});

async function commandOnDestroyedSocket(): Promise<{
  outcome: 'resolved' | 'rejected' | 'pending';
  error?: Error;
  closed: boolean;
}> {
  const socket = connect((server.address() as AddressInfo).port, '127.0.0.1');
  await once(socket, 'connect');
  const connection = new Connection(socket, { id: 1, generation: 0, socketTimeoutMS: 0, monitorCommands: false });
  socket.destroy();
  const settled = connection.command(new MongoDBNamespace('admin'), { ping: 1 }).then(
    () => ({ outcome: 'resolved' as const }),
    (error: Error) => ({ outcome: 'rejected' as const, error }),
  );
  const pending = new Promise<{ outcome: 'pending' }>((resolve) => setTimeout(() => resolve({ outcome: 'pending' }), 1000));
  const result = await Promise.race([settled, pending]);
  return { ...result, closed: connection.closed };
}

describe("the driver's wait for drain on a socket destroyed without an error", () => {
  it('rejects with a network error once the connection cleans up (it waited forever before)', async () => {
    expect(fixDriverWriteWait()).toBe(true);
    const result = await commandOnDestroyedSocket();
    expect(result.closed).toBe(true);
    expect(result.outcome).toBe('rejected');
    expect(result.error?.name).toBe('MongoNetworkError');
  });
});
