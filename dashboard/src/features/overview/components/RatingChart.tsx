/** Answer ratings as one stacked bar with numbers beside it (readable without colour). */
export function RatingChart({ up, down }: { up: number; down: number }) {
  const total = up + down;
  const upShare = total ? Math.round((up / total) * 100) : 0;
  return (
    <figure className="chart">
      <figcaption>
        <span className="chart-title">Answer ratings</span> <span className="chart-total">{total.toLocaleString()}</span>
      </figcaption>
      {total === 0 ? (
        <p className="muted">No answer has been rated yet.</p>
      ) : (
        <>
          <svg viewBox="0 0 100 10" preserveAspectRatio="none" className="rating-bar" aria-hidden="true" focusable="false">
            <rect x="0" y="0" width={upShare} height="10" className="rating-up" />
            <rect x={upShare} y="0" width={100 - upShare} height="10" className="rating-down" />
          </svg>
          <p>
            👍 {up.toLocaleString()} helpful ({upShare}%) · 👎 {down.toLocaleString()} not helpful ({100 - upShare}%)
          </p>
        </>
      )}
    </figure>
  );
}
