import { randomBytes } from 'node:crypto';
import type { ConversationLockRepository } from '../data/conversationLockRepository.js';

/** What a task learns when it gets the lock. */
export interface Held {
  /**
   * The previous holder never released it (it died, lost the database, or its task failed): what the lock guards may
   * be half-written and must not be trusted.
   */
  abandoned: boolean;
}

/**
 * Per-conversation ordering of the writes that read, then `$set` a conversation's window and counters (the embedded
 * database has no positional updates and can lose concurrent `$inc`s). This is the one place that decides it, for
 * every instance sharing the database.
 */
export interface ConversationLock {
  /** Runs `task` once every earlier task of this conversation, on any instance, has settled. */
  run<T>(conversationId: string, task: (held: Held) => Promise<T>): Promise<T>;
}

export interface DatabaseLockDeps {
  locks: ConversationLockRepository;
  /** This instance (see `instance.ts`), part of every holder token. */
  instanceId: string;
  /** A holder that stops renewing loses the lock after this long. */
  lockMs: number;
  renewEveryMs: number;
  now: () => Date;
}

const sleep = (ms: number, { unref = false } = {}) =>
  new Promise((resolve) => {
    const timer = setTimeout(resolve, ms);
    // A background retry never keeps a stopping process alive.
    if (unref) timer.unref();
  });

/**
 * A lease document per conversation (by `_id`): insert it to hold the lock, wait while another holder's lease runs,
 * take it over once expired. Tasks of this instance first queue in process (the fast path: they never poll the
 * database against each other); the document alone decides between instances.
 */
export function databaseLock(deps: DatabaseLockDeps): ConversationLock {
  const { locks, lockMs, now } = deps;
  const queues = new Map<string, Promise<unknown>>();

  async function acquire(conversationId: string, holder: string): Promise<Held> {
    let wait = 5;
    for (;;) {
      if (await locks.tryAcquire(conversationId, holder, new Date(now().getTime() + lockMs))) return { abandoned: false };
      const current = await locks.find(conversationId);
      if (current && current.until.getTime() < now().getTime()) {
        // Its holder is gone: remove exactly that lease (not one a faster instance just took), then race for it.
        await locks.release(conversationId, current.holder);
        if (await locks.tryAcquire(conversationId, holder, new Date(now().getTime() + lockMs))) return { abandoned: true };
      }
      await sleep(wait + Math.random() * wait);
      wait = Math.min(wait * 2, 50);
    }
  }

  /**
   * Gives up the lease of a holder whose task failed: marked expired, not removed, so the next holder takes it over as
   * abandoned and distrusts what it guards. The task mostly failed because the database is unreachable, so this first
   * try is retried in the background until it succeeds or the lease (ending at `until`) ran out by itself: the
   * conversation's next task then waits for the database to come back, not for the whole lease.
   */
  async function giveUp(conversationId: string, holder: string, until: number): Promise<void> {
    const expire = () =>
      locks.renew(conversationId, holder, new Date(0)).then(
        () => true,
        () => false,
      );
    if (await expire()) return;
    void (async () => {
      for (let wait = 100; now().getTime() + wait < until; wait = Math.min(wait * 2, 1000)) {
        await sleep(wait, { unref: true });
        if (await expire()) return;
      }
    })();
  }

  async function holding<T>(conversationId: string, task: (held: Held) => Promise<T>): Promise<T> {
    const holder = `${deps.instanceId}:${randomBytes(4).toString('hex')}`;
    const held = await acquire(conversationId, holder);
    // When the lease ends if no renewal succeeds from now on.
    let until = now().getTime() + lockMs;
    const renewal = setInterval(() => {
      const next = new Date(now().getTime() + lockMs);
      locks.renew(conversationId, holder, next).then(
        () => {
          until = next.getTime();
        },
        () => {},
      );
    }, deps.renewEveryMs);
    try {
      const result = await task(held);
      clearInterval(renewal);
      await locks.release(conversationId, holder);
      return result;
    } catch (error) {
      clearInterval(renewal);
      await giveUp(conversationId, holder, until);
      throw error;
    }
  }

  return {
    run<T>(conversationId: string, task: (held: Held) => Promise<T>): Promise<T> {
      const previous = queues.get(conversationId) ?? Promise.resolve();
      const run = previous.then(
        () => holding(conversationId, task),
        () => holding(conversationId, task),
      );
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
