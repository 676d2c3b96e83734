/** JSON read in test assertions: arbitrary shapes, checked by the assertions themselves. */
// biome-ignore lint/suspicious/noExplicitAny: see above
export type Json = any;

export const json = (res: Response): Promise<Json> => res.json();
