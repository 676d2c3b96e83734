/**
 * The parent this process started under (read when this module is first imported, so `scripts/start.ts` records it
 * before its build step). `npm start` / `npm run start:prod` exit on SIGTERM or SIGINT without passing the signal
 * on; a process manager signals only that pid. The server notices its parent is gone and stops itself.
 */
const parentAtStart = process.ppid;

/** True once this process was re-parented (its starting parent exited). Never true under init or a container's pid 1. */
export function parentExited(): boolean {
  return parentAtStart > 1 && process.ppid !== parentAtStart;
}

/** Calls `onExit` once, when the starting parent exits (checked every `intervalMs`; the timer never keeps the process up). */
export function onParentExit(onExit: () => void, intervalMs = 250): void {
  const timer = setInterval(() => {
    if (!parentExited()) return;
    clearInterval(timer);
    onExit();
  }, intervalMs);
  timer.unref();
}
