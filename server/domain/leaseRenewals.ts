/**
 * The leases of one kind this instance holds (in-flight answers, conversation locks), renewed together: one database
 * command per tick whatever their number, instead of a timer and a command per lease. With 1,000 answers streaming,
 * per-lease renewals were 400 updates a second (two leases per answer, every 5 s) on top of the sends
 * (docs/send-path.md). Merging decides nothing: `renew` is a conditional update that the database applies only to the
 * leases still held (by holder or owner), as each single renewal was, so several instances stay correct.
 *
 * A lease added after a tick is renewed at the latest `everyMs` later, as its own timer did; one added just before a
 * tick is renewed early (harmless). A tick whose command has not returned yet when the next one is due lets that one
 * pass (the leases outlive two ticks), so a slow database never piles up renewals. The timer runs only while
 * something is held.
 */
export function leaseRenewals<T>(options: {
  everyMs: number;
  /** Renews every held lease (one command), at the tick's time; may reject (retried at the next tick). */
  renew: (held: T[]) => Promise<void>;
}) {
  const held = new Set<T>();
  let timer: NodeJS.Timeout | null = null;
  let inFlight = false;
  const tick = async () => {
    if (inFlight || !held.size) return;
    inFlight = true;
    try {
      await options.renew([...held]);
    } catch {
      // Retried at the next tick: the lease outlives two of them.
    } finally {
      inFlight = false;
    }
  };
  return {
    add(lease: T) {
      held.add(lease);
      timer ??= setInterval(() => void tick(), options.everyMs);
    },
    delete(lease: T) {
      held.delete(lease);
      if (!held.size && timer) {
        clearInterval(timer);
        timer = null;
      }
    },
  };
}
