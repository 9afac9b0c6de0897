import { AgentText } from "@/components/ui/agent-text";
import { ScrollArea } from "@/components/ui/scroll-area";
/** Stored JSON, indented for reading (already redacted when it was written). */
export function JsonBlock({ value, label }: { value: unknown; label: string }) {
  return (
    <ScrollArea as="pre" label={label} className="max-h-[32rem] overflow-auto rounded-md bg-slate-950 p-3 font-mono text-xs leading-relaxed text-slate-100">
      <AgentText text={JSON.stringify(value ?? null, null, 2)} />
    </ScrollArea>
  );
}
