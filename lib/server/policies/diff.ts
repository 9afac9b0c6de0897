/** Unified diff lines between two policy sources (history pages and the CLI). */
import { formatUnifiedDiff, textDiff } from "@/lib/domain/policy";

export function unifiedDiff(before: string, after: string, labels: { from?: string; to?: string } = {}): string[] {
  const text = formatUnifiedDiff(textDiff(before, after), labels);
  return text === "" ? [] : text.replace(/\n$/, "").split("\n");
}
