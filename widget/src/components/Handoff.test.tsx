import { describe, expect, it } from 'vitest';
import { until } from '../test/until.js';
import { widgetPages } from '../test/widgetPage.js';

const pages = widgetPages();
/** A widget on the page (a second call is another tab or a reload: same storage, same server). */
const start = () => pages.start();
const conversationId = () => pages.server.conversations[0]!.id;

describe('talking to a person', () => {
  it('asks for a person, shows agent replies live under their name, keeps the assistant silent, and hands back', async () => {
    const ui = start();
    await ui.open();
    await ui.send('Where is my order?');
    // An ordinary AI chat holds no event stream.
    expect(pages.server.eventStreamRequests).toEqual([]);
    expect(ui.buttons('Talk to a person')).toHaveLength(1);
    ui.buttons('Talk to a person')[0]!.click();
    await until(() => ui.text().includes('A person will reply shortly.'));
    expect(ui.buttons('Talk to a person')).toHaveLength(0);
    await until(() => pages.server.openStreams() === 1);
    pages.server.setMode(conversationId(), 'human', { name: 'Alice' });
    await until(() => ui.text().includes('You are chatting with a person.'));
    pages.server.agentReply(conversationId(), 'Hi, I am **here**.');
    await until(() => ui.$('.msg .who')?.textContent === 'Alice');
    expect(ui.bubbles().at(-1)).toBe('AliceHi, I am here.');
    expect(pages.events).toContain('message:received');
    // While a person has the conversation, a question gets no answer bubble (nor "Thinking…").
    const before = ui.bubbles().length;
    await ui.send('Thanks, one more thing');
    expect(ui.bubbles().slice(before)).toEqual(['You: Thanks, one more thing']);
    expect(pages.server.messages.filter((m) => m.role === 'assistant')).toHaveLength(1);
    // Handed back: the stream closes, the action is offered again and the assistant answers.
    pages.server.setMode(conversationId(), 'ai');
    await until(() => pages.server.openStreams() === 0 && ui.buttons('Talk to a person').length === 1);
    pages.server.answers.push('The assistant again');
    await ui.send('Hello?');
    expect(ui.bubbles().at(-1)).toContain('The assistant again');
  });

  it('offers a person right under an answer that is not from the site’s knowledge', async () => {
    const ui = start();
    await ui.open();
    await ui.send('Hi');
    expect(ui.$('[role=log] .talk')).toBeNull();
    pages.server.ungrounded = true;
    await ui.send('Something the site does not know');
    await until(() => ui.$('[role=log] .talk'));
    // One action, moved under the answer.
    expect(ui.buttons('Talk to a person')).toHaveLength(1);
    ui.buttons('Talk to a person')[0]!.click();
    await until(() => ui.text().includes('A person will reply shortly.'));
  });

  it('when no one is online, takes an email (checked first) with the request', async () => {
    pages.server.agentsOnline = false;
    const ui = start();
    await ui.open();
    ui.buttons('Talk to a person')[0]!.click();
    await until(() => ui.text().includes("No one is online now: leave your email and we'll reply."));
    const email = ui.byLabel('Your email') as HTMLInputElement;
    email.value = 'not an email';
    email.dispatchEvent(new Event('input', { bubbles: true }));
    ui.buttons('Notify me')[0]!.click();
    await until(() => ui.text().includes('Please enter a valid email address.'));
    expect(pages.server.handoffEmails).toEqual([]);
    email.value = 'visitor@example.com';
    email.dispatchEvent(new Event('input', { bubbles: true }));
    ui.buttons('Notify me')[0]!.click();
    await until(() => ui.text().includes("Thanks, we'll reply by email."));
    expect(pages.server.handoffEmails).toEqual(['visitor@example.com']);
    expect(pages.server.conversations[0]!.mode).toBe('waiting');
  });

  it('while waiting, flips between "no one is online" and "a person will reply shortly" as agents come and go', async () => {
    pages.server.agentsOnline = false;
    const ui = start();
    await ui.open();
    ui.buttons('Talk to a person')[0]!.click();
    await until(() => ui.text().includes('No one is online now'));
    await until(() => pages.server.openStreams() === 1);
    // An agent opens the inbox: the server tells the waiting conversation's stream.
    pages.server.agentsOnline = true;
    pages.server.setMode(conversationId(), 'waiting');
    await until(() => ui.text().includes('A person will reply shortly.'));
    expect(ui.byLabel('Your email')).toBeNull();
    pages.server.agentsOnline = false;
    pages.server.setMode(conversationId(), 'waiting');
    await until(() => ui.text().includes('No one is online now'));
    expect(ui.byLabel('Your email')).not.toBeNull();
  });

  it('a message asking for a human starts the handoff on the server, with no empty answer', async () => {
    const ui = start();
    await ui.open();
    await ui.send('Can I talk to a human please');
    await until(() => ui.text().includes('A person will reply shortly.'));
    expect(ui.bubbles().slice(1)).toEqual(['You: Can I talk to a human please']);
    await until(() => pages.server.openStreams() === 1);
  });

  it('holds the stream only while the panel is open, and resumes after the last event without loss or doubles', async () => {
    const ui = start();
    await ui.open();
    ui.buttons('Talk to a person')[0]!.click();
    await until(() => pages.server.openStreams() === 1);
    pages.server.agentReply(conversationId(), 'First');
    await until(() => ui.bubbles().includes('AliceFirst'));
    // The network drops; replies sent meanwhile arrive once it is back, once each.
    pages.server.dropStreams();
    pages.server.agentReply(conversationId(), 'Second');
    pages.server.agentReply(conversationId(), 'Third');
    await until(() => ui.bubbles().includes('AliceThird'));
    expect(ui.bubbles().filter((b) => b?.startsWith('Alice'))).toEqual(['AliceFirst', 'AliceSecond', 'AliceThird']);
    expect(pages.server.eventStreamRequests.at(-1)).not.toBeNull();
    // Closed panel, no stream; opened again, it resumes where it was.
    ui.byLabel('Close chat')!.click();
    await until(() => pages.server.openStreams() === 0);
    pages.server.agentReply(conversationId(), 'Fourth');
    await ui.open();
    await until(() => ui.bubbles().includes('AliceFourth'));
    expect(ui.bubbles().filter((b) => b?.startsWith('Alice'))).toEqual([
      'AliceFirst',
      'AliceSecond',
      'AliceThird',
      'AliceFourth',
    ]);
  });

  it('after a reload shows the agent replies from the history and the waiting state, and follows again', async () => {
    const first = start();
    await first.open();
    first.buttons('Talk to a person')[0]!.click();
    await until(() => pages.server.openStreams() === 1);
    pages.server.agentReply(conversationId(), 'Before the reload');
    await until(() => first.bubbles().includes('AliceBefore the reload'));
    first.widget.destroy();
    await until(() => pages.server.openStreams() === 0);
    pages.server.agentReply(conversationId(), 'During the reload');
    const again = start();
    await again.open();
    await until(() => again.bubbles().includes('AliceDuring the reload'));
    expect(again.text()).toContain('A person will reply shortly.');
    expect(again.bubbles().filter((b) => b?.startsWith('Alice'))).toEqual(['AliceBefore the reload', 'AliceDuring the reload']);
    await until(() => pages.server.openStreams() === 1);
  });
});
