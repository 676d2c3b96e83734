import type { Strings } from '../i18n/locales.js';
import type { ChatModel } from '../state/createChatModel.js';

/** The visitor asks for a person (the handoff chunk loads on the way). */
export const TalkToPerson = ({ model, t }: { model: ChatModel; t: Strings }) => (
  <button type="button" class="link talk" onClick={() => model.askForPerson()}>
    {t.talkToPerson}
  </button>
);
