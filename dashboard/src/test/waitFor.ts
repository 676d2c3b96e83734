/** Polls `check` until it stops throwing (or returns a value), like testing-library's waitFor. */
export async function waitFor<T>(check: () => T, timeoutMs = 3000): Promise<T> {
  const started = Date.now();
  for (;;) {
    try {
      const value = check();
      if (value !== false && value !== null && value !== undefined) return value;
      throw new Error('condition not met');
    } catch (error) {
      if (Date.now() - started > timeoutMs) throw error;
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
  }
}
