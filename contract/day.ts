// Zod-free, so the dashboard's URL filters can use it without loading zod up front.

/** A real calendar day written `YYYY-MM-DD` (what a date field gives); the same rule as the contract's `Day`
 * (an impossible date is invalid or rolls over to another day of the month). */
export const isDay = (value: string): boolean =>
  /^\d{4}-\d{2}-\d{2}$/.test(value) && new Date(`${value}T00:00:00Z`).getUTCDate() === Number(value.slice(8));
