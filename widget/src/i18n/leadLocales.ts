/** The lead form's sentences, in the lead chunk only (a visitor the site never asks never loads them). */
const leadEn = {
  intro: 'Leave your details so that we can get back to you.',
  name: 'Your name',
  email: 'Your email',
  optional: '(optional)',
  submit: 'Save my details',
  skip: 'Skip',
  required: 'Please fill in this field.',
  emailInvalid: 'Please enter a valid email address.',
  invalid: 'Please check this field.',
  failed: 'That did not work. Please retry.',
  thanks: 'Thanks, we have your details.',
};
export type LeadStrings = typeof leadEn;

export const leadLocales: Record<string, LeadStrings> = {
  en: leadEn,
  fr: {
    intro: 'Laissez vos coordonnées pour que nous puissions vous recontacter.',
    name: 'Votre nom',
    email: 'Votre e-mail',
    optional: '(facultatif)',
    submit: 'Enregistrer mes coordonnées',
    skip: 'Passer',
    required: 'Veuillez remplir ce champ.',
    emailInvalid: 'Veuillez saisir une adresse e-mail valide.',
    invalid: 'Veuillez vérifier ce champ.',
    failed: 'Cela n’a pas fonctionné. Veuillez réessayer.',
    thanks: 'Merci, nous avons bien vos coordonnées.',
  },
  ar: {
    intro: 'اترك بياناتك لنتمكن من التواصل معك.',
    name: 'اسمك',
    email: 'بريدك الإلكتروني',
    optional: '(اختياري)',
    submit: 'حفظ بياناتي',
    skip: 'تخطٍّ',
    required: 'يرجى ملء هذا الحقل.',
    emailInvalid: 'يرجى إدخال بريد إلكتروني صالح.',
    invalid: 'يرجى التحقق من هذا الحقل.',
    failed: 'لم ينجح ذلك. يرجى إعادة المحاولة.',
    thanks: 'شكرًا، لقد تلقينا بياناتك.',
  },
};
