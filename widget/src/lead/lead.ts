// The lead chunk: loaded only when the site's lead form is due, so visitors a site never asks never download the form,
// its request or its sentences.
export { createLead } from '../state/createLead.js';
