import { randomBytes } from 'node:crypto';
import type { ConversationLockRepository } from '../data/conversationLockRepository.js';
import { leaseRenewals } from './leaseRenewals.js';

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
  /**
   * Holds the lock for work that spans more than one task (an answer, from its start to its stored end), resolved once
   * every earlier task has settled. A `companion` document is inserted with the lock (one insert) and removed with it
   * (one delete); it is inserted at once even when the lock must be waited for. Rejects with `CompanionExists` when a
   * document with the companion's `_id` exists already (nothing was inserted, the lock is not held).
   */
  hold(conversationId: string, companion?: Companion): Promise<Hold>;
}

/** A document stored and removed together with the lock (same collection, e.g. an in-flight answer's entry). */
export interface Companion {
  id: string;
  doc: Record<string, unknown>;
}

/** A lock held by `hold`; exactly one of `release` or `fail` must be called. */
export interface Hold extends Held {
  /** Removes the lock, and the companion with it unless `keepCompanion` (it is someone else's by now). */
  release(keepCompanion?: boolean): Promise<void>;
  /** The work failed: the lock is left expired (the next holder distrusts what it guards); the companion stays. */
  fail(): Promise<void>;
}

/** `hold`'s companion was stored already (e.g. the same answer is in flight). */
export class CompanionExists extends Error {
  override name = 'CompanionExists';
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
  /**
   * Holder tokens of this instance's holds not yet ended. A lease of this instance whose token is not here is nobody's:
   * typically an insert whose reply was lost while the database went away, which the database applied after `giveUp`
   * found nothing to expire. Only this instance can have written it, so its next task takes it over at once instead of
   * waiting out the lease.
   */
  const live = new Set<string>();
  const orphaned = (holder: string) => holder.startsWith(`${deps.instanceId}:`) && !live.has(holder);
  /** The holds not yet ended, renewed together (one command per tick); each learns when its lease now ends. */
  const renewals = leaseRenewals<{ conversationId: string; holder: string; renewed: (until: number) => void }>({
    everyMs: deps.renewEveryMs,
    async renew(holds) {
      const until = new Date(now().getTime() + lockMs);
      await locks.renewMany(holds, until);
      for (const hold of holds) hold.renewed(until.getTime());
    },
  });

  async function acquire(conversationId: string, holder: string, companion?: Companion): Promise<Held> {
    if (companion) {
      const first = await locks.tryAcquireWith(conversationId, holder, new Date(now().getTime() + lockMs), companion.doc);
      if (first === 'companion-exists') throw new CompanionExists(companion.id);
      if (first === 'acquired') return { abandoned: false };
    }
    let wait = 5;
    for (;;) {
      if (await locks.tryAcquire(conversationId, holder, new Date(now().getTime() + lockMs))) return { abandoned: false };
      const current = await locks.find(conversationId);
      if (current && (current.until.getTime() < now().getTime() || orphaned(current.holder))) {
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

  /** Acquires the lock (after this instance's earlier tasks of the conversation) and keeps it renewed until released. */
  async function hold(conversationId: string, companion?: Companion): Promise<Hold> {
    const previous = queues.get(conversationId);
    let settle = () => {};
    const settled = new Promise<void>((resolve) => {
      settle = resolve;
    });
    const holder = `${deps.instanceId}:${randomBytes(4).toString('hex')}`;
    live.add(holder);
    const finished = () => {
      live.delete(holder);
      settle();
      if (queues.get(conversationId) === settled) queues.delete(conversationId);
    };
    queues.set(conversationId, settled);
    let held: Held;
    try {
      // Waiting behind this instance's own task: the companion goes in now, the lock once that task settled.
      let pending = companion;
      if (previous && companion) {
        if (!(await locks.insertCompanion(companion.doc))) throw new CompanionExists(companion.id);
        pending = undefined;
      }
      await previous;
      held = await acquire(conversationId, holder, pending);
    } catch (error) {
      // An insert whose reply was lost (the database went away) may have taken the lock all the same: leave it expired.
      if (!(error instanceof CompanionExists)) void giveUp(conversationId, holder, now().getTime() + lockMs);
      finished();
      throw error;
    }
    // When the lease ends if no renewal succeeds from now on.
    let until = now().getTime() + lockMs;
    const renewal = {
      conversationId,
      holder,
      renewed: (next: number) => {
        until = next;
      },
    };
    renewals.add(renewal);
    let ended = false;
    return {
      ...held,
      // May be tried again when it fails (the database was unreachable); `fail` ends the hold then.
      async release(keepCompanion = false) {
        if (ended) return;
        renewals.delete(renewal);
        if (companion && !keepCompanion) await locks.releaseWith(conversationId, holder, companion.id);
        else await locks.release(conversationId, holder);
        ended = true;
        finished();
      },
      async fail() {
        if (ended) return;
        ended = true;
        renewals.delete(renewal);
        try {
          await giveUp(conversationId, holder, until);
        } finally {
          finished();
        }
      },
    };
  }

  return {
    hold,
    async run<T>(conversationId: string, task: (held: Held) => Promise<T>): Promise<T> {
      const held = await hold(conversationId);
      let result: T;
      try {
        result = await task({ abandoned: held.abandoned });
      } catch (error) {
        await held.fail();
        throw error;
      }
      try {
        await held.release();
      } catch (error) {
        await held.fail();
        throw error;
      }
      return result;
    },
  };
}
