import type { Logger } from './logger.js';

/**
 * Work that runs beside the requests (sweeps, the job queue's worker). The composition root
 * (`createServer`) starts every worker once the server listens and stops them before it closes.
 */
export interface BackgroundWorker {
  readonly name: string;
  start(): void;
  /** Resolves once the worker is idle and will start nothing more. */
  stop(): Promise<void>;
}

/** Runs `task` every `everyMs`, never two at once; failures are logged and the next run happens as planned. */
export function periodic(name: string, everyMs: number, task: () => Promise<unknown>, log: Logger): BackgroundWorker {
  let timer: NodeJS.Timeout | undefined;
  let running: Promise<void> | undefined;
  const runOnce = () => {
    if (running) return;
    running = task()
      .then(
        () => undefined,
        (error: unknown) => log.error({ err: error, worker: name }, `${name} failed`),
      )
      .finally(() => {
        running = undefined;
      });
  };
  return {
    name,
    start() {
      if (timer) return;
      timer = setInterval(runOnce, everyMs);
      // Never the reason the process stays up.
      timer.unref();
    },
    async stop() {
      clearInterval(timer);
      timer = undefined;
      await running;
    },
  };
}
