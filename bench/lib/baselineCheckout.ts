import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

/**
 * Another commit of this repository checked out into a temporary git worktree (sharing this checkout's
 * `node_modules`), so a benchmark runs it beside ours: the baseline of the same run, on the same machine load.
 */
export function checkoutBaseline(ref: string): { dir: string; remove(): void } {
  const dir = mkdtempSync(join(tmpdir(), 'chatwidget-baseline-'));
  execFileSync('git', ['worktree', 'add', '--detach', dir, ref], { stdio: 'ignore' });
  symlinkSync(resolve('node_modules'), join(dir, 'node_modules'));
  return {
    dir,
    remove() {
      execFileSync('git', ['worktree', 'remove', '--force', dir], { stdio: 'ignore' });
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
