import { ChatWidget, useChatWidget } from '@chatwidget/widget/react';
import { useState } from 'react';

/** A button of the page's own that opens the chat (the hook works anywhere in the app). */
function AskButton() {
  const { open } = useChatWidget();
  return (
    <button type="button" onClick={open}>
      Ask us anything
    </button>
  );
}

export function App({ siteKey, apiUrl }: { siteKey: string; apiUrl: string }) {
  const [answers, setAnswers] = useState(0);
  return (
    <main>
      <h1>Acme Plants · React</h1>
      <p>
        This page renders <code>&lt;ChatWidget&gt;</code> from <code>@chatwidget/widget/react</code> and opens it from its own
        button.
      </p>
      <AskButton />
      <p>
        Answers so far: <output aria-label="Answers so far">{answers}</output>
      </p>
      {/* The widget renders nothing here: its launcher lives in its own shadow root at the page's corner. */}
      <ChatWidget siteKey={siteKey} apiUrl={apiUrl} onMessageReceived={() => setAnswers((n) => n + 1)} />
    </main>
  );
}
