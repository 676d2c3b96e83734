import { type FormEvent, useState } from 'react';
import { ErrorState } from '../../../components/States.js';
import { useMe } from '../api/getMe.js';
import { useUpdateMe } from '../api/updateMe.js';

/** "Your name": what visitors see on this agent's replies (empty: the sign-in's name, else "Support"). */
export function AgentNameForm() {
  const me = useMe();
  const update = useUpdateMe();
  const [draft, setDraft] = useState<string | null>(null);
  if (!me.data) return null;
  const value = draft ?? me.data.displayName ?? '';
  const save = (e: FormEvent) => {
    e.preventDefault();
    update.mutate({ displayName: value.trim() || null }, { onSuccess: () => setDraft(null) });
  };
  return (
    <form className="agent-name" onSubmit={save}>
      <label htmlFor="agent-name">Your name</label>
      <input
        id="agent-name"
        maxLength={80}
        value={value}
        placeholder={me.data.agent.name}
        aria-describedby="agent-name-help"
        onChange={(e) => setDraft(e.target.value)}
      />
      <button type="submit" disabled={update.isPending || draft === null}>
        Save name
      </button>
      <small id="agent-name-help" className="muted">
        Visitors see your replies as “{me.data.agent.name}”.
      </small>
      {update.isError && <ErrorState error={update.error} title="The name was not saved" />}
    </form>
  );
}
