import type { MessageRepository, StreamRecord } from '../../data/messageRepository.js';
import type { ChatEvent } from './chatEvents.js';

export interface InFlightAnswersDeps {
  messages: MessageRepository;
  /** This instance, the owner written on the entries it streams. */
  instanceId: string;
  answerLeaseMs: number;
  renewEveryMs: number;
  now: () => Date;
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
      const lost = new AbortController();
      const renewal = setInterval(() => {
        messages
          .renewStream(answerId, instanceId, leaseUntil())
          .then((held) => {
            if (!held) lost.abort();
          })
          // A renewal that failed is retried at the next tick; the lease outlives two of them.
          .catch(() => {});
      }, deps.renewEveryMs);
      try {
        yield* answer(AbortSignal.any([signal, lost.signal]));
      } finally {
        clearInterval(renewal);
      }
    },
  };
}
export type InFlightAnswers = ReturnType<typeof inFlightAnswers>;
