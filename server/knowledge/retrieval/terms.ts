/** Words too common to tell passages apart; dropped from passages and questions alike. */
const STOP_WORDS = new Set(
  (
    'a an and are as at be been but by can could did do does for from get got had has have how i if in into is it its ' +
    'me my no not of on or our please should so than that the their them then there these they this to us was we were ' +
    'what when where which who why will with would you your yours hi hello hey thanks thank about any some'
  ).split(' '),
);

/** Splits on anything that is not a letter or a digit. */
export function tokenize(text: string): string[] {
  return text.toLowerCase().split(/[^\p{L}\p{N}]+/u);
}

/** Lower-cased, stop words dropped, a plural `s` trimmed so "plans" finds "plan" and back. */
export function processTerm(term: string): string | null {
  const word = term.toLowerCase();
  if (!word || STOP_WORDS.has(word)) return null;
  return word.length > 3 && word.endsWith('s') && !word.endsWith('ss') ? word.slice(0, -1) : word;
}

/** The meaningful terms of a text, as the keyword index sees them. */
export function termsOf(text: string): string[] {
  return tokenize(text)
    .map(processTerm)
    .filter((term): term is string => Boolean(term));
}
