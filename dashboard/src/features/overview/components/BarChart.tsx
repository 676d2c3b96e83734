import { useId } from 'react';

export interface BarDatum {
  label: string;
  value: number;
}

const WIDTH = 600;
const HEIGHT = 160;
const GAP = 2;

/**
 * A small SVG bar chart. The SVG is decorative for screen readers: the same numbers follow in a
 * table (visually hidden), so nothing depends on seeing the bars. Bars carry a `<title>` tooltip.
 */
export function BarChart({ title, data, color = 'var(--accent)' }: { title: string; data: BarDatum[]; color?: string }) {
  const id = useId();
  const max = Math.max(1, ...data.map((d) => d.value));
  const total = data.reduce((sum, d) => sum + d.value, 0);
  const band = data.length ? WIDTH / data.length : WIDTH;
  return (
    <figure className="chart" aria-labelledby={`${id}-caption`}>
      <figcaption id={`${id}-caption`}>
        <span className="chart-title">{title}</span> <span className="chart-total">{total.toLocaleString()}</span>
      </figcaption>
      <svg viewBox={`0 0 ${WIDTH} ${HEIGHT}`} preserveAspectRatio="none" aria-hidden="true" focusable="false">
        <line x1="0" x2={WIDTH} y1={HEIGHT - 0.5} y2={HEIGHT - 0.5} className="chart-axis" />
        {data.map((d, n) => {
          const h = d.value === 0 ? 0 : Math.max(2, (d.value / max) * (HEIGHT - 8));
          return (
            <rect key={d.label} x={n * band + GAP / 2} y={HEIGHT - h} width={Math.max(1, band - GAP)} height={h} fill={color}>
              <title>{`${d.label}: ${d.value}`}</title>
            </rect>
          );
        })}
      </svg>
      <div className="chart-range" aria-hidden="true">
        <span>{data[0]?.label}</span>
        <span>max {max.toLocaleString()}</span>
        <span>{data[data.length - 1]?.label}</span>
      </div>
      <table className="visually-hidden">
        <caption>{title} per day</caption>
        <thead>
          <tr>
            <th scope="col">Day</th>
            <th scope="col">{title}</th>
          </tr>
        </thead>
        <tbody>
          {data.map((d) => (
            <tr key={d.label}>
              <th scope="row">{d.label}</th>
              <td>{d.value}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </figure>
  );
}
