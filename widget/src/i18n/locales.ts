const en = {
  openChat: 'Open chat',
  close: 'Close chat',
  newChat: 'New conversation',
  message: 'Message',
  placeholder: 'Type your message…',
  send: 'Send',
  attach: 'Attach image',
  removeImage: 'Remove image',
  stop: 'Stop',
  retry: 'Retry',
  up: 'Helpful',
  down: 'Not helpful',
  thinking: 'Thinking…',
  stopped: 'Stopped.',
  failed: 'The answer could not be completed.',
  notSent: 'Not sent.',
  waiting: 'Waiting for connection…',
  offline: 'You are offline. Messages will be sent when you are back online.',
  connecting: 'Connecting…',
  connectFailed: 'Could not connect to the chat.',
  rateLimited: 'Too many messages. Please wait a moment and retry.',
  connectionLost: 'The connection was lost.',
  imageType: 'Only JPEG, PNG, WebP or GIF images can be sent.',
  imageSize: 'Images must be 10 MB or smaller.',
  imageCount: 'Up to 4 images per message.',
  uploadFailed: 'The image could not be uploaded.',
  uploading: 'Uploading…',
  you: 'You',
  assistant: 'Assistant',
  talkToPerson: 'Talk to a person',
};
export type Strings = typeof en;

const fr: Strings = {
  openChat: 'Ouvrir le chat',
  close: 'Fermer le chat',
  newChat: 'Nouvelle conversation',
  message: 'Message',
  placeholder: 'Écrivez votre message…',
  send: 'Envoyer',
  attach: 'Joindre une image',
  removeImage: "Retirer l'image",
  stop: 'Arrêter',
  retry: 'Réessayer',
  up: 'Utile',
  down: 'Pas utile',
  thinking: 'Réflexion…',
  stopped: 'Arrêté.',
  failed: "La réponse n'a pas pu être terminée.",
  notSent: 'Non envoyé.',
  waiting: 'En attente de connexion…',
  offline: 'Vous êtes hors ligne. Les messages partiront au retour de la connexion.',
  connecting: 'Connexion…',
  connectFailed: 'Impossible de se connecter au chat.',
  rateLimited: 'Trop de messages. Patientez un instant puis réessayez.',
  connectionLost: 'La connexion a été perdue.',
  imageType: 'Seules les images JPEG, PNG, WebP ou GIF sont acceptées.',
  imageSize: 'Les images doivent faire 10 Mo au plus.',
  imageCount: "Jusqu'à 4 images par message.",
  uploadFailed: "L'image n'a pas pu être envoyée.",
  uploading: 'Envoi…',
  you: 'Vous',
  assistant: 'Assistant',
  talkToPerson: 'Parler à une personne',
};

const ar: Strings = {
  openChat: 'فتح المحادثة',
  close: 'إغلاق المحادثة',
  newChat: 'محادثة جديدة',
  message: 'رسالة',
  placeholder: 'اكتب رسالتك…',
  send: 'إرسال',
  attach: 'إرفاق صورة',
  removeImage: 'إزالة الصورة',
  stop: 'إيقاف',
  retry: 'إعادة المحاولة',
  up: 'مفيد',
  down: 'غير مفيد',
  thinking: 'جارٍ التفكير…',
  stopped: 'تم الإيقاف.',
  failed: 'تعذّر إكمال الرد.',
  notSent: 'لم تُرسل.',
  waiting: 'في انتظار الاتصال…',
  offline: 'أنت غير متصل. ستُرسل الرسائل عند عودة الاتصال.',
  connecting: 'جارٍ الاتصال…',
  connectFailed: 'تعذّر الاتصال بالمحادثة.',
  rateLimited: 'رسائل كثيرة جدًا. انتظر قليلًا ثم أعد المحاولة.',
  connectionLost: 'انقطع الاتصال.',
  imageType: 'يمكن إرسال صور JPEG أو PNG أو WebP أو GIF فقط.',
  imageSize: 'يجب ألا يتجاوز حجم الصورة 10 ميغابايت.',
  imageCount: 'حتى 4 صور في الرسالة الواحدة.',
  uploadFailed: 'تعذّر رفع الصورة.',
  uploading: 'جارٍ الرفع…',
  you: 'أنت',
  assistant: 'المساعد',
  talkToPerson: 'التحدث إلى شخص',
};

/** The locale table: English, French and Arabic (right-to-left). */
export const locales: Record<string, Strings> = { en, fr, ar };
const rtl = new Set(['ar', 'he', 'fa', 'ur']);

export interface Locale {
  lang: string;
  dir: 'ltr' | 'rtl';
  strings: Strings;
}

/** Picks the table from `init({locale})`, else the page's `lang` (`fr-CA` → `fr`), else English. */
export function pickLocale(requested: string | undefined, pageLang: string | undefined): Locale {
  for (const tag of [requested, pageLang]) {
    const lang = tag?.toLowerCase().split(/[-_]/)[0];
    if (lang && locales[lang]) return { lang, dir: rtl.has(lang) ? 'rtl' : 'ltr', strings: locales[lang] };
  }
  return { lang: 'en', dir: 'ltr', strings: en };
}

/** The handoff's sentences, in the handoff chunk only (a visitor who never asks for a person never loads them). */
const handoffEn = {
  waitingOnline: 'A person will reply shortly.',
  waitingOffline: "No one is online now: leave your email and we'll reply.",
  withPerson: 'You are chatting with a person.',
  email: 'Your email',
  emailSave: 'Notify me',
  emailInvalid: 'Please enter a valid email address.',
  emailSaved: "Thanks, we'll reply by email.",
  failed: 'That did not work. Please retry.',
};
export type HandoffStrings = typeof handoffEn;

export const handoffLocales: Record<string, HandoffStrings> = {
  en: handoffEn,
  fr: {
    waitingOnline: 'Une personne va vous répondre sous peu.',
    waitingOffline: 'Personne n’est en ligne pour le moment : laissez votre e-mail et nous vous répondrons.',
    withPerson: 'Vous discutez avec une personne.',
    email: 'Votre e-mail',
    emailSave: 'Me prévenir',
    emailInvalid: 'Veuillez saisir une adresse e-mail valide.',
    emailSaved: 'Merci, nous vous répondrons par e-mail.',
    failed: 'Cela n’a pas fonctionné. Veuillez réessayer.',
  },
  ar: {
    waitingOnline: 'سيرد عليك شخص قريبًا.',
    waitingOffline: 'لا أحد متصل الآن: اترك بريدك الإلكتروني وسنرد عليك.',
    withPerson: 'أنت تتحدث مع شخص.',
    email: 'بريدك الإلكتروني',
    emailSave: 'أعلمني',
    emailInvalid: 'يرجى إدخال بريد إلكتروني صالح.',
    emailSaved: 'شكرًا، سنرد عليك عبر البريد الإلكتروني.',
    failed: 'لم ينجح ذلك. يرجى إعادة المحاولة.',
  },
};
