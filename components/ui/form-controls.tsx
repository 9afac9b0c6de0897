/** Small pieces shared by the console's confirm-with-a-reason forms. */

/** The error under a field (or the form's own error), announced to screen readers. */
export function FieldAlert({ id, message, size = "xs" }: { id: string; message: string | null | undefined; size?: "xs" | "sm" }) {
  if (!message) return null;
  return (
    <p id={id} role="alert" className={`${size === "sm" ? "text-sm" : "text-xs"} text-rose-700`}>
      {message}
    </p>
  );
}

/** "Confirm …" and "Cancel" side by side; the confirm button shows `pendingLabel` while the action runs. */
export function ConfirmCancel({
  pending,
  label,
  pendingLabel,
  tone,
  onCancel,
}: {
  pending: boolean;
  label: string;
  pendingLabel: string;
  tone: "danger" | "neutral";
  onCancel: () => void;
}) {
  const confirm = tone === "danger" ? "bg-rose-600 hover:bg-rose-500" : "bg-slate-900 hover:bg-slate-700";
  return (
    <div className="flex gap-2">
      <button type="submit" disabled={pending} className={`rounded-md px-3 py-1 text-xs font-medium text-white disabled:opacity-60 ${confirm}`}>
        {pending ? pendingLabel : label}
      </button>
      <button
        type="button"
        onClick={onCancel}
        className="rounded-md border border-slate-300 bg-white px-3 py-1 text-xs font-medium text-slate-700 hover:bg-slate-50"
      >
        Cancel
      </button>
    </div>
  );
}
