import type { SiteUsage } from '../../contract/sites.js';
import type { ChatModel } from '../ai/ChatModel.js';
import { utcDay } from '../data/cursor.js';
import type { DayUsage, UsageRepository } from '../data/usageRepository.js';

/** Shown to the visitor, before the FAQ answer, once the site's model budget for the day is spent. */
export const RESTING_NOTICE = '_The assistant is resting for today. Until it is back, answers come from this site’s FAQ._\n\n';

/** How many model calls an instance reserves at a time (one database write per this many calls of a site). */
export const BUDGET_BLOCK = 10;

export interface ModelBudgetDeps {
  usage: UsageRepository;
  /** Answers from the site's FAQ without calling a paid model. */
  offline: ChatModel;
  now?: () => Date;
}

/** This instance's reservation of a site's calls on one day. Calls are numbered 1… across every instance. */
interface Reservation {
  /** Calls counted before blocks: block `b` holds the calls `counted + b * BUDGET_BLOCK + 1` onwards. */
  counted: number;
  /** The next call number of this instance's block, and its last. */
  next: number;
  last: number;
  /** The lowest block number not known to be taken. */
  nextBlock: number;
  /** A reservation in progress (the site's concurrent sends wait for it, never reserve twice). */
  pending: Promise<void> | null;
}

const reserved = (usage: DayUsage) => usage.counted + usage.blocks.reduce((sum, b) => sum + b.size, 0);

/**
 * A per-site daily cap on model calls, kept in the database for every instance. An instance reserves the site's calls
 * a block at a time (an insert whose unique `_id` gives each block to exactly one instance) and spends them locally,
 * so a send costs no database command until its block runs out. Conservative: no call number past the cap is ever
 * used, so every instance together never calls the model more often than the cap; a block an instance did not use
 * up (it stopped, or died) counts as spent. Over the cap the visitor gets the offline answer with a notice; the
 * offline provider costs nothing and is never counted.
 */
export function modelBudget(deps: ModelBudgetDeps) {
  const now = deps.now ?? (() => new Date());
  /** By `<siteId>:<day>`; only today's are kept. */
  const reservations = new Map<string, Reservation>();

  async function reservation(site: { id: string; tenantId: string }, day: string): Promise<Reservation> {
    const key = `${site.id}:${day}`;
    const known = reservations.get(key);
    if (known) return known;
    for (const other of reservations.keys()) if (!other.endsWith(`:${day}`)) reservations.delete(other);
    // The first call of the day on this instance reads what others reserved (a few documents), to start past them.
    const usage = await deps.usage.dayUsage(site.tenantId, site.id, day);
    const fresh: Reservation = {
      counted: usage.counted,
      next: 1,
      last: 0,
      nextBlock: Math.max(-1, ...usage.blocks.map((b) => b.block)) + 1,
      pending: null,
    };
    // Two first calls may both read it: the first one stored wins.
    const raced = reservations.get(key);
    if (raced) return raced;
    reservations.set(key, fresh);
    return fresh;
  }

  /** Takes the next call number under `cap` for this instance; `false` when none is left today. */
  async function takeCall(site: { id: string; tenantId: string; dailyModelCalls: number }, day: string) {
    const r = await reservation(site, day);
    for (;;) {
      if (r.next <= r.last) {
        if (r.next > site.dailyModelCalls) return false;
        r.next++;
        return true;
      }
      if (r.pending) {
        await r.pending;
        continue;
      }
      const first = r.counted + r.nextBlock * BUDGET_BLOCK + 1;
      // Nothing left under the cap: refused without asking the database (a raised cap is seen at the next call).
      if (first > site.dailyModelCalls) return false;
      const block = r.nextBlock;
      r.pending = deps.usage
        .reserveBlock(site.tenantId, site.id, day, block, BUDGET_BLOCK)
        .then((won) => {
          r.nextBlock = Math.max(r.nextBlock, block + 1);
          if (won) {
            r.next = first;
            r.last = first + BUDGET_BLOCK - 1;
          }
        })
        .finally(() => {
          r.pending = null;
        });
      await r.pending;
    }
  }

  return {
    /** The model to call for this answer, counting the call; `notice` when the site is over its budget. */
    async modelFor(
      site: { id: string; tenantId: string; dailyModelCalls: number },
      model: ChatModel,
    ): Promise<{ model: ChatModel; notice: string | null }> {
      if (model.name === deps.offline.name) return { model, notice: null };
      return (await takeCall(site, utcDay(now()))) ? { model, notice: null } : { model: deps.offline, notice: RESTING_NOTICE };
    },
    /**
     * The day's calls as reserved by every instance (a block reserved counts whole: calls in flight elsewhere cannot be
     * told apart from unused ones), never more than the cap: no call past it is made.
     */
    async today(site: { id: string; tenantId: string; dailyModelCalls: number }): Promise<SiteUsage> {
      const day = utcDay(now());
      const usage = await deps.usage.dayUsage(site.tenantId, site.id, day);
      const modelCalls = Math.min(reserved(usage), Math.max(site.dailyModelCalls, usage.counted));
      return { siteId: site.id, day, modelCalls, dailyModelCalls: site.dailyModelCalls };
    },
  };
}
export type ModelBudget = ReturnType<typeof modelBudget>;
