import { ScrollArea } from "@/components/ui/scroll-area";
/** A unified diff, line by line, added and removed lines marked in words as well as colour. */
export function DiffView({ lines, empty = "No changes." }: { lines: string[]; empty?: string }) {
  if (lines.length === 0) return <p className="text-sm text-slate-500">{empty}</p>;
  return (
    <ScrollArea as="pre" label="Policy diff" className="overflow-x-auto rounded-md border border-slate-200 bg-slate-50 py-2 text-xs leading-5" testId="policy-diff">
      {lines.map((line, i) => {
        const header = line.startsWith("---") || line.startsWith("+++") || line.startsWith("@@");
        const kind = header ? "header" : line.startsWith("+") ? "added" : line.startsWith("-") ? "removed" : "same";
        const style = {
          header: "text-slate-500",
          added: "bg-emerald-50 text-emerald-900",
          removed: "bg-rose-50 text-rose-900",
          same: "text-slate-700",
        }[kind];
        return (
          <div key={i} className={`px-3 font-mono ${style}`}>
            {kind === "added" || kind === "removed" ? <span className="sr-only">{kind}: </span> : null}
            {line || " "}
          </div>
        );
      })}
    </ScrollArea>
  );
}

/** A policy document's YAML source with line numbers (messages name lines). */
export function PolicySource({ source }: { source: string }) {
  const lines = source.replace(/\n$/, "").split("\n");
  return (
    <ScrollArea as="pre" label="Policy source" className="overflow-x-auto rounded-md border border-slate-200 bg-slate-50 py-2 text-xs leading-5" testId="policy-source">
      {lines.map((line, i) => (
        <div key={i} className="flex px-3 font-mono text-slate-800">
          <span aria-hidden="true" className="mr-4 w-8 shrink-0 select-none text-right text-slate-400">
            {i + 1}
          </span>
          <span>{line || " "}</span>
        </div>
      ))}
    </ScrollArea>
  );
}
