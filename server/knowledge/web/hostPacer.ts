import { setTimeout as sleep } from 'node:timers/promises';

/**
 * Spaces the requests of one crawl to each host: a request starts at least `intervalMs` after the previous one to
 * the same host (longer when its robots.txt asks for a crawl delay). One per crawl, so politeness is per job.
 */
export class HostPacer {
  private readonly next = new Map<string, number>();
  private readonly delays = new Map<string, number>();

  constructor(
    private readonly intervalMs: number,
    private readonly now: () => number = Date.now,
  ) {}

  /** A crawl delay asked by the host's robots.txt, in ms (kept within reason by the caller). */
  setDelay(host: string, delayMs: number) {
    this.delays.set(host, delayMs);
  }

  async wait(host: string, signal?: AbortSignal): Promise<void> {
    const now = this.now();
    const at = Math.max(now, this.next.get(host) ?? 0);
    this.next.set(host, at + Math.max(this.intervalMs, this.delays.get(host) ?? 0));
    if (at > now) await sleep(at - now, undefined, { signal });
  }
}
