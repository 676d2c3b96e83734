// The API contract: request/response schemas shared by the server, the dashboard and (types only) the widget.
export * from './admin.js';
export * from './common.js';
export * from './dataRemoval.js';
export * from './exports.js';
export * from './fieldErrors.js';
export * from './handoff.js';
export * from './jobs.js';
export * from './knowledge.js';
export * from './knowledgeSearch.js';
export * from './leads.js';
export * from './messages.js';
export * from './sites.js';
export * from './unanswered.js';
export * from './webhooks.js';
export * from './widget.js';
