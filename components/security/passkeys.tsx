"use client";
import { startRegistration, type PublicKeyCredentialCreationOptionsJSON } from "@simplewebauthn/browser";
import { useRouter } from "next/navigation";
import { useActionState, useId, useState } from "react";
import { FieldAlert } from "@/components/ui/form-controls";
import { formatTime } from "@/components/ui/format";
import type { ActionResult } from "@/lib/server/action";

type Start = () => Promise<ActionResult<{ options: PublicKeyCredentialCreationOptionsJSON; ceremony: unknown; seal: string }>>;
type Finish = (input: { name: string; ceremony: unknown; seal: string; response: unknown }) => Promise<ActionResult<{ id: string; name: string }>>;
type Remove = (prev: unknown, formData: FormData) => Promise<ActionResult<{ id: string; name: string }>>;

/** Name the passkey, let the browser create it, and register it with the console. */
export function RegisterPasskey({ start, finish }: { start: Start; finish: Finish }) {
  const router = useRouter();
  const [name, setName] = useState("");
  const [busy, setBusy] = useState(false);
  const [message, setMessage] = useState<{ ok: boolean; text: string } | null>(null);
  const nameId = useId();
  const errorId = useId();

  async function add() {
    setMessage(null);
    if (!name.trim()) {
      setMessage({ ok: false, text: "Name the passkey (for example “work laptop” or “phone”)." });
      return;
    }
    setBusy(true);
    try {
      const started = await start();
      if (!started.ok) return setMessage({ ok: false, text: started.error.message });
      let response;
      try {
        response = await startRegistration({ optionsJSON: started.data.options });
      } catch (error) {
        return setMessage({ ok: false, text: `Your browser did not create the passkey (${(error as Error).message}). Nothing was registered.` });
      }
      const done = await finish({ name: name.trim(), ceremony: started.data.ceremony, seal: started.data.seal, response });
      if (!done.ok) return setMessage({ ok: false, text: done.error.message });
      setMessage({ ok: true, text: `Passkey “${done.data.name}” added.` });
      setName("");
      router.refresh();
    } finally {
      setBusy(false);
    }
  }

  return (
    <div className="space-y-2">
      <label htmlFor={nameId} className="block text-sm font-medium text-slate-700">
        Name
      </label>
      <div className="flex flex-wrap gap-2">
        <input
          id={nameId}
          value={name}
          maxLength={80}
          onChange={(event) => setName(event.target.value)}
          aria-describedby={message && !message.ok ? errorId : undefined}
          placeholder="work laptop"
          className="min-h-11 w-64 rounded-md border border-slate-300 bg-white px-2 text-sm"
        />
        <button type="button" onClick={() => void add()} disabled={busy} className="min-h-11 rounded-md bg-indigo-700 px-4 text-sm font-medium text-white hover:bg-indigo-800 disabled:opacity-60">
          {busy ? "Waiting for your device…" : "Add a passkey"}
        </button>
      </div>
      {message?.ok ? (
        <p role="status" className="text-sm text-emerald-800">
          {message.text}
        </p>
      ) : (
        <FieldAlert id={errorId} message={message?.text} size="sm" />
      )}
    </div>
  );
}

function RemoveButton({ id, name, remove }: { id: string; name: string; remove: Remove }) {
  const [state, formAction, pending] = useActionState(remove, null);
  return (
    <form action={formAction}>
      <input type="hidden" name="credentialId" value={id} />
      <button type="submit" disabled={pending} aria-label={`Remove passkey ${name}`} className="min-h-11 rounded-md border border-slate-300 px-3 text-sm text-slate-800 hover:bg-slate-50 disabled:opacity-60">
        Remove
      </button>
      {state && !state.ok ? <span className="ml-2 text-sm text-rose-800">{state.error.message}</span> : null}
    </form>
  );
}

export function PasskeyList({ passkeys, remove }: { passkeys: Array<{ id: string; name: string; createdAt: string; lastUsedAt: string | null }>; remove: Remove }) {
  return (
    <ul className="divide-y divide-slate-100" aria-label="Your passkeys">
      {passkeys.map((p) => (
        <li key={p.id} className="flex flex-wrap items-center justify-between gap-2 py-2">
          <div className="text-sm">
            <span className="font-medium text-slate-900">{p.name}</span>
            <span className="block text-slate-600">
              added {formatTime(new Date(p.createdAt))}
              {p.lastUsedAt ? `, last used ${formatTime(new Date(p.lastUsedAt))}` : ", not used yet"}
            </span>
          </div>
          <RemoveButton id={p.id} name={p.name} remove={remove} />
        </li>
      ))}
    </ul>
  );
}
