import type { Connection } from 'mongoose';

export interface MonitoredCommand {
  command: string;
  collection: string;
  ms: number;
  /** A find's filter, to tell the work's reads from the instance's background jobs on the same collection. */
  filter?: Record<string, unknown>;
  /** An update's first statement's update document (what it sets or pushes). */
  update?: Record<string, unknown>;
}

/**
 * Records every database command a piece of work issues, from the driver's command monitoring (round trip as the
 * client sees it): how many a send costs (asserted in `sendCommands.test.ts`, printed by the benchmarks) and where a
 * slow path spends its time. The connection must be opened with `monitorCommands: true` (`connectMongo`).
 */
export async function recordCommands(connection: Connection, work: () => Promise<unknown>): Promise<MonitoredCommand[]> {
  const client = connection.getClient();
  const started = new Map<number, Omit<MonitoredCommand, 'ms'>>();
  const recorded: MonitoredCommand[] = [];
  const onStart = (event: { requestId: number; commandName: string; command: Record<string, unknown> }) => {
    const target = event.command[event.commandName];
    const filter = event.commandName === 'find' ? (event.command.filter as Record<string, unknown> | undefined) : undefined;
    const update =
      event.commandName === 'update'
        ? (event.command.updates as { u?: Record<string, unknown> }[] | undefined)?.[0]?.u
        : undefined;
    started.set(event.requestId, {
      command: event.commandName,
      collection: typeof target === 'string' ? target : '',
      ...(filter ? { filter } : {}),
      ...(update ? { update } : {}),
    });
  };
  const onEnd = (event: { requestId: number; duration: number }) => {
    const what = started.get(event.requestId);
    if (what) recorded.push({ ...what, ms: event.duration });
  };
  client.on('commandStarted', onStart);
  client.on('commandSucceeded', onEnd);
  client.on('commandFailed', onEnd);
  try {
    await work();
  } finally {
    client.off('commandStarted', onStart);
    client.off('commandSucceeded', onEnd);
    client.off('commandFailed', onEnd);
  }
  return recorded;
}

/** `find conversations, insert messages, …` in the order issued. */
export const describeCommands = (commands: MonitoredCommand[]) => commands.map((c) => `${c.command} ${c.collection}`).join(', ');
