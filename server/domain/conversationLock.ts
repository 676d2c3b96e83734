/**
 * Per-conversation ordering of the writes that read, then `$set` a conversation's window and counters (the embedded
 * database has no positional updates and can lose concurrent `$inc`s). This is the one place that decides it: in one
 * process today; with many instances (issue 17) a lease in the database implements the same interface.
 */
export interface ConversationLock {
  /** Runs `task` once every earlier task of this conversation has settled (whether it succeeded or failed). */
  run<T>(conversationId: string, task: () => Promise<T>): Promise<T>;
}

/** Tasks of one conversation chained on a promise in this process; the chain is dropped when it drains. */
export function inProcessLock(): ConversationLock {
  const queues = new Map<string, Promise<unknown>>();
  return {
    run<T>(conversationId: string, task: () => Promise<T>): Promise<T> {
      const previous = queues.get(conversationId) ?? Promise.resolve();
      const run = previous.then(task, task);
      const settled = run.then(
        () => undefined,
        () => undefined,
      );
      queues.set(conversationId, settled);
      void settled.then(() => {
        if (queues.get(conversationId) === settled) queues.delete(conversationId);
      });
      return run;
    },
  };
}
