// Script-tag entry. Placeholder until the widget lands (issue 6).
export {};
