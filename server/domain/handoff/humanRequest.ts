/**
 * Whether a visitor's message explicitly asks for a person, in the widget's languages (`widget/src/i18n/locales.ts`:
 * English, French, Arabic) and German and Spanish. Deliberately narrow: a verb of talking or wanting plus a word for a
 * person, or a short message that is only such a word ("human", "agent please"), so a question that merely mentions
 * people ("how do agents log in?") still goes to the assistant.
 */
const PERSON = [
  // en
  'human',
  'person',
  'real person',
  'agent',
  'operator',
  'someone',
  'somebody',
  'representative',
  'staff',
  'support team',
  // fr
  'humain',
  'une personne',
  'quelqu.un',
  'conseiller',
  'conseillère',
  'opérateur',
  'agent',
  // de
  'mensch(?:en)?',
  'mitarbeiter(?:in)?',
  'person',
  'berater(?:in)?',
  // es
  'humano',
  'una persona',
  'agente',
  'alguien',
  // ar
  'إنسان',
  'شخص',
  'موظف',
  'وكيل',
].join('|');

const ASK = [
  // en
  'talk(?:ing)? to',
  'speak(?:ing)? (?:to|with)',
  'chat with',
  'connect me (?:to|with)',
  'transfer me to',
  'i want',
  'i need',
  "i'd like",
  'can i (?:talk|speak|get)',
  'let me (?:talk|speak)',
  'get me',
  // fr
  'parler (?:à|a|avec)',
  'je veux',
  'je voudrais',
  'passez-moi',
  // de
  'mit (?:einem|einer)',
  'sprechen',
  'ich möchte',
  'ich will',
  // es
  'hablar con',
  'quiero',
  // ar
  'أريد',
  'أتحدث',
  'التحدث',
  'تحدث',
].join('|');

const asks = new RegExp(`(?:^|[\\s,.!?¿¡])(?:${ASK})\\b.{0,30}(?:${PERSON})`, 'iu');
const onlyPerson = new RegExp(`^\\W*(?:an? |un |une |ein |einen )?(?:${PERSON})(?: please| svp| bitte| por favor)?\\W*$`, 'iu');

export function asksForHuman(text: string): boolean {
  const normalized = text.normalize('NFC').trim().toLowerCase().replace(/\s+/g, ' ');
  if (!normalized || normalized.length > 300) return false;
  return asks.test(normalized) || onlyPerson.test(normalized);
}
