import { FieldRefusal, type RefusedFields, refusedAria } from '../../../components/RefusedField.js';
import { useSiteUsage } from '../api/getSiteUsage.js';

/** The site's daily cap on model calls, with today's use against it. */
export function ModelBudgetField({
  siteId,
  value,
  refused,
  onChange,
}: {
  siteId: string;
  value: number;
  refused: RefusedFields;
  onChange: (value: number) => void;
}) {
  const usage = useSiteUsage(siteId);
  return (
    <div className="field">
      <label htmlFor="site-daily-model-calls">Model calls per day</label>
      <input
        id="site-daily-model-calls"
        type="number"
        min={0}
        max={1_000_000}
        step={1}
        value={value}
        {...refusedAria(refused, 'dailyModelCalls', 'site-daily-model-calls', 'site-daily-model-calls-help')}
        onChange={(e) => onChange(Math.max(0, Math.trunc(Number(e.target.value) || 0)))}
      />
      <FieldRefusal refused={refused} path="dailyModelCalls" id="site-daily-model-calls" />
      <small id="site-daily-model-calls-help">
        {usage.data
          ? `Today (UTC): ${usage.data.modelCalls} of ${usage.data.dailyModelCalls} model calls. `
          : usage.isError
            ? 'Today’s usage could not be loaded. '
            : ''}
        Over the cap the assistant rests until midnight UTC: visitors are told, and answers come from the FAQ only.
      </small>
    </div>
  );
}
