import type { SiteUsage } from '../../contract/sites.js';
import type { ChatModel } from '../ai/ChatModel.js';
import { utcDay } from '../data/cursor.js';
import type { UsageRepository } from '../data/usageRepository.js';

/** Shown to the visitor, before the FAQ answer, once the site's model budget for the day is spent. */
export const RESTING_NOTICE = '_The assistant is resting for today. Until it is back, answers come from this site’s FAQ._\n\n';

export interface ModelBudgetDeps {
  usage: UsageRepository;
  /** Answers from the site's FAQ without calling a paid model. */
  offline: ChatModel;
  now?: () => Date;
}

/**
 * A per-site daily cap on model calls, counted in the database (every instance sees one count). Over the cap the
 * visitor gets the offline answer with a notice; the offline provider itself costs nothing and is never counted.
 */
export function modelBudget(deps: ModelBudgetDeps) {
  const now = deps.now ?? (() => new Date());
  return {
    /** The model to call for this answer, counting the call; `notice` when the site is over its budget. */
    async modelFor(
      site: { id: string; tenantId: string; dailyModelCalls: number },
      model: ChatModel,
    ): Promise<{ model: ChatModel; notice: string | null }> {
      if (model.name === deps.offline.name) return { model, notice: null };
      const calls = await deps.usage.countModelCall(site.tenantId, site.id, utcDay(now()));
      return calls <= site.dailyModelCalls ? { model, notice: null } : { model: deps.offline, notice: RESTING_NOTICE };
    },
    async today(site: { id: string; dailyModelCalls: number }): Promise<SiteUsage> {
      const day = utcDay(now());
      const modelCalls = await deps.usage.modelCalls(site.id, day);
      return { siteId: site.id, day, modelCalls, dailyModelCalls: site.dailyModelCalls };
    },
  };
}
export type ModelBudget = ReturnType<typeof modelBudget>;
