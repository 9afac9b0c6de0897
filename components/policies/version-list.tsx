import { ScrollArea } from "@/components/ui/scroll-area";
import Link from "next/link";
import { formatTime, shortHash } from "@/components/ui/format";
import { Badge } from "@/components/ui/badge";
import { TableHead } from "@/components/ui/table-head";
import { policyScopeHref, type PolicyScopeRef } from "@/lib/schemas/policies";
import type { VersionSummary } from "@/lib/server/policies/read";
import { ReceiptLink } from "@/components/ui/receipt-link";

/** A scope's versions, newest first; each links to its page with the diff against the one before. */
export function VersionList({ scope, versions, activeVersion }: { scope: PolicyScopeRef; versions: VersionSummary[]; activeVersion: number | null }) {
  return (
    <ScrollArea label="Policy versions table" className="overflow-x-auto">
      <table className="w-full text-left text-sm">
        <TableHead columns={["Version", "Hash", "Applied", "By", "Receipt"]} />
        <tbody className="divide-y divide-slate-100">
          {versions.map((v) => (
            <tr key={v.version}>
              <td className="py-2 pr-3">
                <Link href={policyScopeHref(scope, v.version)} className="font-medium text-indigo-700 hover:underline">
                  version {v.version}
                </Link>{" "}
                {v.version === activeVersion ? <Badge tone="green">in force</Badge> : null}
              </td>
              <td className="py-2 pr-3 font-mono text-xs text-slate-600" title={v.hash}>{shortHash(v.hash)}</td>
              <td className="whitespace-nowrap py-2 pr-3 text-slate-600">
                <time dateTime={v.createdAt.toISOString()}>{formatTime(v.createdAt)}</time>
              </td>
              <td className="py-2 pr-3 text-slate-600">{v.author}</td>
              <td className="py-2 font-mono text-xs text-slate-600">{v.receiptId ? <ReceiptLink id={v.receiptId} /> : "—"}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </ScrollArea>
  );
}
