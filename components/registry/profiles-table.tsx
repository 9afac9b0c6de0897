import Link from "next/link";
import { sortLink, type RegistryQuery, type SortKey } from "@/lib/domain/registry-query";
import type { ProfileRow } from "@/lib/server/profiles";
import { formatTime, timeAgo } from "@/components/ui/format";
import { HealthBadge, StageBadge, TierBadge, ringLabel } from "@/components/ui/status";

const COLUMNS: { key: SortKey | null; label: string; className?: string }[] = [
  { key: "slug", label: "Profile" },
  { key: null, label: "Tenant" },
  { key: "owner", label: "Owner" },
  { key: "ring", label: "Ring" },
  { key: "tier", label: "Tier" },
  { key: "health", label: "Health" },
  { key: "stage", label: "Canary stage" },
  { key: "lastSeen", label: "Last seen" },
  { key: "updated", label: "Updated" },
];

function SortHeader({ query, column }: { query: RegistryQuery; column: (typeof COLUMNS)[number] }) {
  const th = "whitespace-nowrap px-3 py-2 text-left text-xs font-medium uppercase tracking-wide text-slate-500";
  if (!column.key) return <th scope="col" className={th}>{column.label}</th>;
  const active = query.sort === column.key;
  const ariaSort = active ? (query.dir === "asc" ? "ascending" : "descending") : "none";
  const arrow = active ? (query.dir === "asc" ? "↑" : "↓") : "↕";
  const next = active && query.dir === "asc" ? "descending" : "ascending";
  return (
    <th scope="col" aria-sort={ariaSort} className={th}>
      <Link
        href={`/profiles${sortLink(query, column.key)}`}
        className={`inline-flex items-center gap-1 hover:text-slate-900 ${active ? "text-slate-900" : ""}`}
      >
        {column.label}
        <span aria-hidden="true" className={active ? "text-indigo-600" : "text-slate-300"}>{arrow}</span>
        <span className="sr-only">, sort {next}</span>
      </Link>
    </th>
  );
}

export function ProfilesTable({
  rows,
  query,
  now,
  showTenant,
}: {
  rows: ProfileRow[];
  query: RegistryQuery;
  now: Date;
  showTenant: boolean;
}) {
  const columns = showTenant ? COLUMNS : COLUMNS.filter((c) => c.label !== "Tenant");
  return (
    <div className="overflow-x-auto rounded-lg border border-slate-200 bg-white shadow-sm">
      <table className="min-w-full divide-y divide-slate-200 text-sm">
        <caption className="sr-only">Profiles, sorted by {query.sort} {query.dir === "asc" ? "ascending" : "descending"}</caption>
        <thead className="bg-slate-50">
          <tr>
            {columns.map((c) => (
              <SortHeader key={c.label} query={query} column={c} />
            ))}
          </tr>
        </thead>
        <tbody className="divide-y divide-slate-100">
          {rows.map((p) => (
            <tr key={p.slug} className="hover:bg-slate-50">
              <td className="whitespace-nowrap px-3 py-2">
                <Link href={`/profiles/${p.slug}`} className="font-medium text-indigo-700 hover:underline">
                  {p.slug}
                </Link>
                <div className="font-mono text-xs text-slate-500">{p.unit}</div>
              </td>
              {showTenant ? <td className="whitespace-nowrap px-3 py-2 text-slate-700">{p.tenant.name}</td> : null}
              <td className="whitespace-nowrap px-3 py-2 text-slate-700">{p.owner}</td>
              <td className="whitespace-nowrap px-3 py-2 text-slate-700" title={ringLabel(p.ring)}>
                {p.ring} <span className="hidden text-xs text-slate-500 2xl:inline">{ringLabel(p.ring)}</span>
              </td>
              <td className="px-3 py-2"><TierBadge tier={p.tier} /></td>
              <td className="px-3 py-2"><HealthBadge health={p.health} /></td>
              <td className="px-3 py-2"><StageBadge stage={p.canaryStage} /></td>
              <td className="whitespace-nowrap px-3 py-2 text-slate-600">
                {p.lastSeenAt ? <time dateTime={p.lastSeenAt.toISOString()} title={formatTime(p.lastSeenAt)}>{timeAgo(p.lastSeenAt, now)}</time> : "never"}
              </td>
              <td className="whitespace-nowrap px-3 py-2 text-slate-600">
                <time dateTime={p.updatedAt.toISOString()} title={formatTime(p.updatedAt)}>
                  {p.updatedAt.toISOString().slice(0, 10)}
                </time>
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
