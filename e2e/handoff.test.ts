// Journey 8: a visitor asks for a person; an agent signed in to the dashboard on ANOTHER instance of the server (one
// database, one Redis) sees it live, takes over and replies; the reply reaches the widget within 2 s, the visitor's
// next message reaches the agent, a dropped network loses and doubles nothing, and handed back, the assistant answers.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type RedisServer, startRedisServer } from '../server/test/redisServer.js';
import { browserContexts, keepScreenshot, watchErrors } from './browser.js';
import { type E2eServer, startE2eServer } from './harness.js';
import { eventually, widgetUi } from './widgetUi.js';

let redis: RedisServer;
let visitorSide: E2eServer;
let agentSide: E2eServer;

beforeAll(async () => {
  redis = await startRedisServer();
  visitorSide = await startE2eServer(import.meta.url, { redisUrl: redis.url });
  agentSide = await startE2eServer(import.meta.url, { redisUrl: redis.url, shareWith: visitorSide });
});
afterAll(async () => {
  await agentSide?.close();
  await visitorSide?.close();
  await redis?.stop();
});
// Registered after the servers' hooks: the browser closes before they stop.
const chromium = browserContexts({ visitor: { width: 1280, height: 800 }, admin: { width: 1280, height: 900 } });

// What the browser logs while it is offline on purpose, and nothing else, is expected.
const unexpected = (errors: string[]) => errors.filter((e) => !/ERR_INTERNET_DISCONNECTED|Failed to fetch|network/i.test(e));

describe('journey 8: handoff across two instances', () => {
  it('asks for a person, gets the agent’s replies live and after a network drop, and goes back to the assistant', async () => {
    // The agent has the dashboard open on instance B: someone is online.
    const inbox = await chromium.admin.newPage();
    const agentErrors = watchErrors(inbox);
    await inbox.goto(`${agentSide.url}/dashboard/#token=${agentSide.adminToken}`);
    await inbox.getByRole('heading', { name: 'Overview', level: 1 }).waitFor();
    await inbox.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Inbox' }).click();
    await inbox.getByRole('heading', { name: 'Inbox', level: 1 }).waitFor();
    await inbox.getByText('No one is waiting').waitFor();

    // The visitor, on instance A, chats with the assistant, then asks for a person.
    const site = await chromium.visitor.newPage();
    const siteErrors = watchErrors(site);
    const ui = widgetUi(site);
    await site.goto(`${visitorSide.url}/`);
    await ui.open();
    const greeting = await ui.answers.count();
    await ui.box.fill('How do I add the widget to my site?');
    await ui.box.press('Enter');
    await eventually(() => ui.log.getAttribute('aria-busy')).toBe('false');
    await eventually(() => ui.answers.count()).toBe(greeting + 1);
    await site.getByRole('button', { name: 'Talk to a person' }).click();
    await site.getByText('A person will reply shortly.').waitFor();

    // The agent sees the waiting visitor without reloading, takes over and replies.
    const list = inbox.getByRole('list', { name: 'Conversations with a person' });
    await eventually(() => list.getByRole('listitem').count()).toBe(1);
    await list.getByRole('link').first().click();
    await inbox.getByText('How do I add the widget to my site?').first().waitFor();
    await inbox.getByRole('button', { name: 'Take over' }).click();
    await site.getByText('You are chatting with a person.').waitFor();
    const reply = async (text: string) => {
      await inbox.getByLabel('Reply').fill(text);
      await inbox.getByRole('button', { name: 'Send reply' }).click();
    };
    const agentSays = (text: string) => ui.log.locator('.msg').filter({ hasText: text });
    const sentAt = performance.now();
    await reply('Hello, I am here to help.');
    await agentSays('Hello, I am here to help.').waitFor({ timeout: 2000 });
    const deliveryMs = performance.now() - sentAt;
    expect(deliveryMs).toBeLessThan(2000);
    expect(await agentSays('Hello, I am here to help.').locator('.who').textContent()).toBeTruthy();

    // The visitor's next message reaches the agent; the assistant stays silent (no new answer bubble).
    const answersBefore = await ui.answers.count();
    await ui.box.fill('Can you check my order 1234?');
    await ui.box.press('Enter');
    const transcript = inbox.getByRole('list', { name: 'Transcript' });
    await transcript.getByText('Can you check my order 1234?').waitFor();
    expect(await ui.answers.count()).toBe(answersBefore);

    // The visitor's network drops while the agent writes; back online, each reply shows once.
    await chromium.visitor.setOffline(true);
    await reply('Your order left the warehouse.');
    await transcript.getByText('Your order left the warehouse.').waitFor();
    await reply('It arrives on Monday.');
    await transcript.getByText('It arrives on Monday.').waitFor();
    await chromium.visitor.setOffline(false);
    await agentSays('It arrives on Monday.').waitFor({ timeout: 15_000 });
    for (const text of ['Hello, I am here to help.', 'Your order left the warehouse.', 'It arrives on Monday.'])
      expect(await agentSays(text).count(), text).toBe(1);
    expect(await ui.questions.filter({ hasText: 'Can you check my order 1234?' }).count()).toBe(1);
    await keepScreenshot(site, 'journey-8-visitor-with-agent');
    await keepScreenshot(inbox, 'journey-8-inbox');

    // Handed back: the action is offered again and the assistant answers the next question.
    await inbox.getByRole('button', { name: 'Hand back to the assistant' }).click();
    await site.getByRole('button', { name: 'Talk to a person' }).waitFor();
    const answers = await ui.answers.count();
    await ui.box.fill('How do I add the widget to my site?');
    await ui.box.press('Enter');
    await eventually(() => ui.answers.count()).toBe(answers + 1);
    await eventually(() => ui.log.getAttribute('aria-busy')).toBe('false');
    expect(await ui.answers.last().locator('.who').count()).toBe(0);

    expect(unexpected(siteErrors)).toEqual([]);
    expect(agentErrors).toEqual([]);
    console.log(`handoff e2e: agent reply on instance B shown by the widget on instance A in ${deliveryMs} ms`);
  });
});
