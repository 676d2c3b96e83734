// The handoff chunk: loaded only when a visitor asks for a person or the conversation has one, so ordinary AI chats
// never download the event stream client, the waiting UI or their sentences.
export { createHandoff } from '../state/createHandoff.js';
