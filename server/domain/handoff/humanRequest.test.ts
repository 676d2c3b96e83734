import { describe, expect, it } from 'vitest';
import { asksForHuman } from './humanRequest.js';

describe('asksForHuman', () => {
  it.each([
    'Talk to a human',
    'I want to speak to an agent',
    'can I talk to a real person please?',
    'human',
    'Agent please',
    'Ich möchte mit einem Menschen sprechen',
    'Je voudrais parler à un conseiller',
    'je veux parler à quelqu’un',
    'Quiero hablar con una persona',
    'أريد التحدث إلى شخص',
  ])('recognises %s', (text) => {
    expect(asksForHuman(text)).toBe(true);
  });

  it.each([
    'How do agents log in?',
    'Is a person allowed to bring a dog?',
    'What is the human resources email?',
    'Wie viele Mitarbeiter habt ihr im Laden?',
    '',
    `${'talk to a human '.repeat(30)}`,
  ])('leaves %s to the assistant', (text) => {
    expect(asksForHuman(text)).toBe(false);
  });
});
