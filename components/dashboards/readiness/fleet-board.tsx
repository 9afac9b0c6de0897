import Link from "next/link";
import { registryQueryString } from "@/lib/domain/registry-query";
import { CANARY_LABELS } from "@/lib/domain/tiers";
import type { ReadinessBoard } from "@/lib/server/dashboards/readiness";
import { ReadinessCard } from "./readiness-card";

/**
 * Columns per canary stage; each lists its profiles short of their tier's
 * controls first, capped, with a link to the registry filtered to the stage
 * when there are more than shown.
 */
export function FleetBoard({ board, tenant, showTenant, now }: { board: ReadinessBoard; tenant?: string; showTenant: boolean; now: Date }) {
  const wide = board.columns.length > 1;
  return (
    <div className={wide ? "grid grid-cols-1 gap-3 md:grid-cols-2 lg:grid-cols-3 xl:grid-cols-5" : ""}>
      {board.columns.map((column) => {
        const headingId = `stage-${column.stage}`;
        const hidden = column.total - column.cards.length;
        return (
          <section key={column.stage} aria-labelledby={headingId} data-stage={column.stage} className="min-w-0 rounded-lg border border-slate-200 bg-slate-50 p-2">
            <header className="mb-2 px-1">
              <h2 id={headingId} className="text-sm font-semibold text-slate-900">
                {CANARY_LABELS[column.stage]}
              </h2>
              <p className="text-xs text-slate-600" data-testid="column-counts">
                {column.total.toLocaleString("en-US")} profiles
                {column.short ? <span className="text-rose-700">{` · ${column.short.toLocaleString("en-US")} short of tier`}</span> : null}
              </p>
            </header>
            {column.total === 0 ? (
              <p className="px-1 py-4 text-xs text-slate-500">No profiles at this stage.</p>
            ) : (
              <ul className={wide ? "space-y-2" : "grid grid-cols-1 gap-2 sm:grid-cols-2 lg:grid-cols-3 xl:grid-cols-4"} aria-label={`${CANARY_LABELS[column.stage]} profiles`}>
                {column.cards.map((card) => (
                  <ReadinessCard key={card.slug} card={card} showTenant={showTenant} now={now} />
                ))}
              </ul>
            )}
            {hidden > 0 ? (
              <Link
                href={`/profiles${registryQueryString({ stage: column.stage, tenant })}`}
                className="mt-2 block px-1 text-xs font-medium text-indigo-700 hover:underline"
              >
                {`Show all ${column.total.toLocaleString("en-US")} in the registry (${hidden.toLocaleString("en-US")} more)`}
              </Link>
            ) : null}
          </section>
        );
      })}
    </div>
  );
}
