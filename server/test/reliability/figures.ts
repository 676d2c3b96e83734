import { mkdirSync, readFileSync, renameSync, rmdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** Where the suite's figures go: git-ignored, read when the README's Reliability section is updated. */
export const RESULTS_FILE = join(
  dirname(fileURLToPath(import.meta.url)),
  '..',
  '..',
  '..',
  'bench',
  'results',
  'reliability.json',
);

export type Figures = Record<string, number | string | boolean>;

/** A tiny mkdir lock: test files run in parallel workers and all merge into one JSON file. */
function withLock<T>(file: string, task: () => T): T {
  const lock = `${file}.lock`;
  const deadline = performance.now() + 5000;
  for (;;) {
    try {
      mkdirSync(lock);
      break;
    } catch {
      if (performance.now() > deadline) {
        // A lock left by a killed run: take it over.
        rmdirSync(lock);
        continue;
      }
      Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 20);
    }
  }
  try {
    return task();
  } finally {
    rmdirSync(lock);
  }
}

/**
 * Prints one summary line for a case and merges its figures into `bench/results/reliability.json`
 * under `section`, with the time of the run.
 */
export function reportFigures(section: string, figures: Figures, file = RESULTS_FILE): void {
  console.log(
    `[reliability] ${section}: ${Object.entries(figures)
      .map(([k, v]) => `${k}=${v}`)
      .join(' ')}`,
  );
  mkdirSync(dirname(file), { recursive: true });
  withLock(file, () => {
    let all: Record<string, unknown> = {};
    try {
      all = JSON.parse(readFileSync(file, 'utf8'));
    } catch {
      // First run, or a file from an interrupted write: start over.
    }
    all[section] = { ...figures, at: new Date().toISOString() };
    const temp = `${file}.${process.pid}.tmp`;
    writeFileSync(temp, `${JSON.stringify(all, null, 2)}\n`);
    renameSync(temp, file);
  });
}

/** Counts requests and outcomes while a case runs. */
export class Tally {
  requests = 0;
  readonly statuses = new Map<number, number>();
  readonly problems: string[] = [];

  count(status: number): void {
    this.requests++;
    this.statuses.set(status, (this.statuses.get(status) ?? 0) + 1);
  }

  problem(description: string): void {
    this.problems.push(description);
  }

  get serverErrors(): number {
    let n = 0;
    for (const [status, count] of this.statuses) if (status >= 500) n += count;
    return n;
  }
}
