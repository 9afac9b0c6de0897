import type { ReactNode } from "react";
import { SkipLink } from "@/components/console/skip-link";
import { ConsoleHeader } from "@/components/console/console-header";
import { KillSwitchBanner } from "@/components/console/kill-switch-banner";
import { BudgetBanner } from "@/components/dashboards/cost/budget-banner";
import { QueryProvider } from "@/components/dashboards/query-provider";
import { requireActor } from "@/lib/server/session";
import { listViewAsTenants } from "@/lib/server/view-as";
import { startViewAs, stopViewAs } from "./actions";

export const dynamic = "force-dynamic";

export default async function ConsoleLayout({ children }: { children: ReactNode }) {
  const actor = await requireActor();
  const viewAsTenants = await listViewAsTenants(actor);
  return (
    <div className="min-h-screen">
      <SkipLink />
      <ConsoleHeader actor={actor} viewAsTenants={viewAsTenants} startViewAs={startViewAs} stopViewAs={stopViewAs} />
      <KillSwitchBanner actor={actor} />
      <BudgetBanner actor={actor} />
      <main id="main" tabIndex={-1} className="mx-auto max-w-7xl px-4 py-6 focus:outline-none">
        <QueryProvider>{children}</QueryProvider>
      </main>
    </div>
  );
}
