import * as c from '../../../../contract/index.js';
import type { RouteDoc } from './routeDoc.js';

/** The widget API (visitor tokens). */
export const widgetRouteDocs: RouteDoc[] = [
  {
    method: 'post',
    path: '/v1/widget/sessions',
    auth: 'none',
    summary: 'Start or resume a visitor session',
    body: c.SessionRequest,
    response: c.SessionResponse,
  },
  {
    method: 'get',
    path: '/v1/widget/conversations',
    auth: 'visitor',
    summary: "The visitor's conversations",
    query: c.ListQuery,
    response: c.page(c.Conversation),
  },
  {
    method: 'post',
    path: '/v1/widget/conversations',
    auth: 'visitor',
    summary: 'Start a conversation',
    body: c.CreateConversation,
    response: c.Conversation,
    status: 201,
  },
  {
    method: 'get',
    path: '/v1/widget/conversations/{id}/messages',
    auth: 'visitor',
    summary: 'Messages, latest page first (each page oldest first)',
    params: c.IdParams,
    query: c.ListQuery,
    response: c.page(c.Message),
  },
  {
    method: 'post',
    path: '/v1/widget/conversations/{id}/messages',
    auth: 'visitor',
    summary: 'Send a message; the answer streams back as Server-Sent Events (message, delta, done | error)',
    params: c.IdParams,
    body: c.SendMessage,
    stream: true,
  },
  {
    method: 'post',
    path: '/v1/widget/conversations/{id}/handoff',
    auth: 'visitor',
    summary:
      'Ask for a person (idempotent): the conversation becomes `waiting`; `email` is kept for a reply when nobody is online',
    params: c.IdParams,
    body: c.HandoffRequest,
    response: c.HandoffResponse,
  },
  {
    method: 'get',
    path: '/v1/widget/conversations/{id}/events',
    auth: 'visitor',
    summary:
      'Live events of a conversation while a person is involved; resumable with Last-Event-ID; ends when the token expires',
    params: c.IdParams,
    stream: true,
    events:
      "text/event-stream, each event with an id: mode {mode, agentsOnline, assignee} (first, without Last-Event-ID), message (a Message: agent replies, the visitor's messages from other tabs), typing {name}; a comment every 20 s",
  },
  {
    method: 'post',
    path: '/v1/widget/messages/{id}/retry',
    auth: 'visitor',
    summary: 'Answer again a failed or stopped answer (event stream)',
    params: c.IdParams,
    stream: true,
  },
  {
    method: 'post',
    path: '/v1/widget/messages/{id}/feedback',
    auth: 'visitor',
    summary: 'Rate an answer',
    params: c.IdParams,
    body: c.Feedback,
    response: c.Message,
  },
  {
    method: 'post',
    path: '/v1/widget/leads',
    auth: 'visitor',
    summary:
      "Leave the visitor's name and/or email through the site's lead form (a field left out keeps what was stored; the same request again changes nothing); 409 `lead_capture_off` when the site does not ask, 422 `invalid_lead` when a field it requires is missing or one it does not ask for is sent",
    body: c.LeadRequest,
    response: c.Lead,
  },
  {
    method: 'post',
    path: '/v1/widget/images',
    auth: 'visitor',
    summary: 'Upload an image (multipart field `file`)',
    multipart: true,
    response: c.ImageRef,
    status: 201,
  },
];
