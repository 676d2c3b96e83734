import { randomBytes } from 'node:crypto';

/**
 * This server process among the instances sharing one database: the owner written on the leases it holds (in-flight
 * answers, conversation locks). A new id per start, so a restarted process never mistakes its predecessor's leases
 * for its own.
 */
export const newInstanceId = () => randomBytes(8).toString('hex');

/** How long the leases last and how often they are renewed; short in tests. */
export interface LeaseSettings {
  /** An in-flight answer whose owner stopped renewing is recovered (as `interrupted`) this long after the last renewal. */
  answerLeaseMs: number;
  /** How often a live owner renews its leases (a third of the shortest lease leaves two chances). */
  renewEveryMs: number;
  /** A conversation lock whose holder died is taken over after this long. */
  conversationLockMs: number;
}

export const DEFAULT_LEASES: LeaseSettings = { answerLeaseMs: 15_000, renewEveryMs: 5000, conversationLockMs: 15_000 };
