/** Waits until `check` holds (polling every 5 ms), or fails after `ms`. */
export const until = async (check: () => unknown, ms = 3000) => {
  const end = Date.now() + ms;
  while (!check()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${check}`);
    await new Promise((r) => setTimeout(r, 5));
  }
};
