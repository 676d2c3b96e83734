import type { MessageRepository, StreamRecord } from '../../data/messageRepository.js';
import { leaseRenewals } from '../leaseRenewals.js';
import type { ChatEvent } from './chatEvents.js';

export interface InFlightAnswersDeps {
  messages: MessageRepository;
  /** This instance, the owner written on the entries it streams. */
  instanceId: string;
  answerLeaseMs: number;
  renewEveryMs: number;
  now: () => Date;
}

/** An answer this instance streams, as its renewals see it. */
interface Owned {
  id: string;
  since: number;
  /** A renewal found its entry. */
  found: boolean;
  ended: boolean;
  lost: AbortController;
}

/** An in-flight entry as a new answer's owner writes it. */
export type NewStream = Omit<StreamRecord, 'owner' | 'leaseUntil' | 'startedAt'>;

/**
 * The in-flight answers and their leases. An entry (streams collection) belongs to the instance streaming it, which
 * renews its lease while the answer streams; an entry whose lease expired was left by an instance that died or lost
 * the database, and any instance may recover it (`recoverAnswers`), never one whose owner is alive.
 */
export function inFlightAnswers(deps: InFlightAnswersDeps) {
  const { messages, instanceId, answerLeaseMs, now } = deps;
  const leaseUntil = () => new Date(now().getTime() + answerLeaseMs);
  // Every answer this instance streams, renewed together (one command per tick). An answer is owned from before its
  // entry's insert (which may wait behind a slow database), so an entry not found is lost (another instance recovered
  // it: the answer stops) only once a renewal found it, or once a whole lease passed since the answer began.
  const renewals = leaseRenewals<Owned>({
    everyMs: deps.renewEveryMs,
    async renew(owned) {
      const missing = new Set(
        await messages.renewStreams(
          owned.map((answer) => answer.id),
          instanceId,
          leaseUntil(),
        ),
      );
      const at = now().getTime();
      for (const answer of owned) {
        if (!missing.has(answer.id)) answer.found = true;
        else if (!answer.ended && (answer.found || at - answer.since >= answerLeaseMs)) answer.lost.abort();
      }
    },
  });
  const entry = (stream: NewStream): StreamRecord => ({
    ...stream,
    startedAt: now(),
    owner: instanceId,
    leaseUntil: leaseUntil(),
  });

  return {
    /** Whether the entry's owner still holds it (this instance or another). */
    isLive: (stream: StreamRecord) => stream.leaseUntil.getTime() > now().getTime(),

    /** The entry as this instance inserts it, under its lease (a send inserts it with its conversation's lock). */
    entry,

    /** Inserts the entry under this instance's lease; `false` when one exists already. */
    start: (stream: NewStream) => messages.startStream(entry(stream)),

    /**
     * Streams the answer `answerId` while renewing its lease. `answer` gets a signal that aborts with the request's, or
     * when the lease was lost (another instance recovered the entry): the model call stops, nothing is answered twice.
     */
    async *own(
      answerId: string,
      signal: AbortSignal,
      answer: (signal: AbortSignal) => AsyncGenerator<ChatEvent>,
    ): AsyncGenerator<ChatEvent> {
      const owned: Owned = { id: answerId, since: now().getTime(), found: false, ended: false, lost: new AbortController() };
      renewals.add(owned);
      try {
        yield* answer(AbortSignal.any([signal, owned.lost.signal]));
      } finally {
        owned.ended = true;
        renewals.delete(owned);
      }
    },
  };
}
export type InFlightAnswers = ReturnType<typeof inFlightAnswers>;
