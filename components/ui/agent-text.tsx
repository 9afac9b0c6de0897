import { hasHiddenChars, splitHidden } from "@/lib/domain/text/hidden-chars";

/**
 * Text an agent (or anyone outside the console) supplied, shown so that
 * nothing in it hides: each invisible or direction-changing character is
 * replaced by a highlighted ⟨U+XXXX⟩ marker naming it. Use it for every
 * payload, label, attribute, note and reason on a page.
 */
export function AgentText({ text, className }: { text: string | null | undefined; className?: string }) {
  if (text === null || text === undefined) return null;
  if (!hasHiddenChars(text)) return className ? <span className={className}>{text}</span> : <>{text}</>;
  return (
    <span className={className} data-hidden-chars="true">
      {splitHidden(text).map((segment, i) =>
        segment.kind === "text" ? (
          segment.text
        ) : (
          <mark
            key={i}
            title={`hidden character ${segment.code}: ${segment.name}`}
            data-hidden-char={segment.code}
            className="rounded-sm bg-amber-300 px-0.5 font-mono text-[0.85em] font-semibold text-slate-950"
          >
            ⟨{segment.code}⟩
          </mark>
        ),
      )}
    </span>
  );
}

/** The warning shown beside a job (or an event) whose agent-supplied text holds hidden characters. */
export function HiddenCharsBadge() {
  return (
    <span
      data-testid="hidden-chars-badge"
      className="inline-flex items-center gap-1 rounded-full border border-amber-400 bg-amber-50 px-2 py-0.5 text-xs font-medium text-amber-900"
    >
      <span aria-hidden="true">⚠</span> contains invisible or direction-changing characters
    </span>
  );
}
