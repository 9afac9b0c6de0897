import type { ReactNode } from "react";
import { formatTime } from "@/components/ui/format";
import { TableHead } from "@/components/ui/table-head";
import type { TokenRow } from "@/lib/server/tokens/read";

const STATE_STYLE: Record<TokenRow["state"], string> = {
  active: "bg-emerald-50 text-emerald-800 ring-emerald-200",
  expired: "bg-slate-100 text-slate-700 ring-slate-300",
  revoked: "bg-rose-50 text-rose-800 ring-rose-200",
};

/** Tokens without their secrets: id, name, scope, permissions, expiry, last use; `action` renders the revoke control. */
export function TokenTable({ tokens, action, caption }: { tokens: TokenRow[]; action: (t: TokenRow) => ReactNode; caption: string }) {
  return (
    <div className="overflow-x-auto">
      <table className="min-w-full divide-y divide-slate-200 text-left text-sm">
        <caption className="sr-only">{caption}</caption>
        <TableHead columns={["Token", "Scope", "Permissions", "Expires", "Last used", "State", "Actions"]} />
        <tbody className="divide-y divide-slate-100">
          {tokens.map((t) => (
            <tr key={t.id} className="align-top">
              <td className="px-3 py-2">
                <div className="font-medium text-slate-900">{t.name}</div>
                <code className="font-mono text-xs text-slate-600">{t.id}</code>
              </td>
              <td className="px-3 py-2 font-mono text-xs">{t.scope}</td>
              <td className="px-3 py-2 font-mono text-xs">{t.permissions.join(", ")}</td>
              <td className="whitespace-nowrap px-3 py-2 text-slate-700">
                <time dateTime={t.expiresAt.toISOString()}>{formatTime(t.expiresAt)}</time>
              </td>
              <td className="whitespace-nowrap px-3 py-2 text-slate-700">
                {t.lastUsedAt ? <time dateTime={t.lastUsedAt.toISOString()}>{formatTime(t.lastUsedAt)}</time> : "never"}
              </td>
              <td className="px-3 py-2">
                <span className={`rounded px-1.5 py-0.5 text-xs font-medium ring-1 ${STATE_STYLE[t.state]}`}>{t.state}</span>
              </td>
              <td className="px-3 py-2">{t.state === "active" ? action(t) : null}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
