import type { ReactNode } from "react";
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
      <a
        href="#main"
        className="sr-only focus:not-sr-only focus:absolute focus:left-2 focus:top-2 focus:z-50 focus:rounded focus:bg-white focus:px-3 focus:py-2 focus:text-sm"
      >
        Skip to content
      </a>
      <ConsoleHeader actor={actor} viewAsTenants={viewAsTenants} startViewAs={startViewAs} stopViewAs={stopViewAs} />
      <KillSwitchBanner actor={actor} />
      <BudgetBanner actor={actor} />
      <main id="main" className="mx-auto max-w-7xl px-4 py-6">
        <QueryProvider>{children}</QueryProvider>
      </main>
    </div>
  );
}
