export interface DateRange {
  from?: string;
  to?: string;
}

/** "From" and "To" date fields for filters; each bounds the other so the range never runs backwards. */
export function DateRangeFields({
  idPrefix,
  value,
  onChange,
}: {
  idPrefix: string;
  value: DateRange;
  onChange: (range: DateRange) => void;
}) {
  return (
    <>
      <div className="field">
        <label htmlFor={`${idPrefix}-from`}>From</label>
        <input
          id={`${idPrefix}-from`}
          type="date"
          value={value.from ?? ''}
          max={value.to}
          onChange={(e) => onChange({ from: e.target.value || undefined, to: value.to })}
        />
      </div>
      <div className="field">
        <label htmlFor={`${idPrefix}-to`}>To</label>
        <input
          id={`${idPrefix}-to`}
          type="date"
          value={value.to ?? ''}
          min={value.from}
          onChange={(e) => onChange({ from: value.from, to: e.target.value || undefined })}
        />
      </div>
    </>
  );
}
