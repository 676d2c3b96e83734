import type { Connection } from 'mongoose';

export interface TimedCommand {
  command: string;
  collection: string;
  ms: number;
}

/**
 * Times every database command a piece of work issues, from the driver's command monitoring (round trip as the
 * client sees it), to show where a slow path spends its time. The connection must be opened with
 * `monitorCommands: true` (see `BenchDatabase.connectMonitored`).
 */
export async function timeCommands(connection: Connection, work: () => Promise<unknown>): Promise<TimedCommand[]> {
  const client = connection.getClient();
  const started = new Map<number, { command: string; collection: string }>();
  const timed: TimedCommand[] = [];
  const onStart = (event: { requestId: number; commandName: string; command: Record<string, unknown> }) => {
    const target = event.command[event.commandName];
    started.set(event.requestId, { command: event.commandName, collection: typeof target === 'string' ? target : '' });
  };
  const onEnd = (event: { requestId: number; duration: number }) => {
    const what = started.get(event.requestId);
    if (what) timed.push({ ...what, ms: event.duration });
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
  return timed;
}
