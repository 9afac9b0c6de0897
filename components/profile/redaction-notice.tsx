import { Notice } from "@/components/ui/section";
import type { Timeline } from "@/lib/server/events";

/** Shown when any of the profile's events had secret-like values redacted at ingest. */
export function RedactionNotice({ redacted }: { redacted: Timeline["redacted"] }) {
  if (redacted.events === 0) return null;
  const kinds = Object.entries(redacted.kinds)
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([kind, n]) => `${kind.replace(/_/g, " ")} × ${n}`);
  const noun = redacted.events === 1 ? "event had" : "events had";
  return (
    <Notice title={`${redacted.events} ${noun} secret-like values redacted`}>
      {kinds.length > 0 ? <p>Kinds: {kinds.join(", ")}.</p> : null}
      <p className="mt-1 text-xs">
        The values were replaced before storage; the original secrets were never kept. Rotate anything a host sent in clear.
      </p>
    </Notice>
  );
}
