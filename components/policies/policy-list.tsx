import Link from "next/link";
import { formatTime, shortHash } from "@/components/ui/format";
import { TableHead } from "@/components/ui/table-head";
import { policyScopeHref } from "@/lib/schemas/policies";
import type { PolicyOverviewRow } from "@/lib/server/policies/read";

const LEVEL_LABELS = { platform: "Platform", tenant: "Tenant", profile: "Profile" } as const;

/** The version in force per level the reader may see. */
export function PolicyList({ rows }: { rows: PolicyOverviewRow[] }) {
  return (
    <div className="overflow-x-auto rounded-lg border border-slate-200 bg-white shadow-sm">
      <table className="min-w-full divide-y divide-slate-200 text-left text-sm">
        <TableHead columns={["Level", "Scope", "Tenant", "In force", "Hash", "Applied", "By"]} variant="boxed" className="bg-slate-50" />
        <tbody className="divide-y divide-slate-100">
          {rows.map((row) => (
            <tr key={row.scopeKey}>
              <td className="px-3 py-2 text-slate-600">{LEVEL_LABELS[row.ref.level]}</td>
              <td className="px-3 py-2">
                <Link href={policyScopeHref(row.ref)} className="font-medium text-indigo-700 hover:underline">
                  {row.label}
                </Link>
              </td>
              <td className="px-3 py-2 text-slate-600">{row.tenant?.name ?? "all tenants"}</td>
              {row.active ? (
                <>
                  <td className="px-3 py-2 tabular-nums">
                    <Link href={policyScopeHref(row.ref, row.active.version)} className="text-indigo-700 hover:underline">
                      version {row.active.version}
                    </Link>
                  </td>
                  <td className="px-3 py-2 font-mono text-xs text-slate-600" title={row.active.hash}>{shortHash(row.active.hash)}</td>
                  <td className="whitespace-nowrap px-3 py-2 text-slate-600">
                    <time dateTime={row.active.createdAt.toISOString()}>{formatTime(row.active.createdAt)}</time>
                  </td>
                  <td className="px-3 py-2 text-slate-600">{row.active.author}</td>
                </>
              ) : (
                <td colSpan={4} className="px-3 py-2 text-slate-500">
                  {row.ref.level === "platform" ? "None: every job is denied (fail closed)" : "None: only the levels above apply"}
                </td>
              )}
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
