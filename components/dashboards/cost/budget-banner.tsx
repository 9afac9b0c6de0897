import Link from "next/link";
import { db } from "@/lib/db";
import type { Actor } from "@/lib/authz";
import { exceededBudgets } from "@/lib/server/budgets/banner";

/**
 * A one-line banner for the console layout when budgets of the actor's
 * tenants are past 100 % this month. Never breaks the page: when the alerts
 * cannot be read it shows nothing (the cost dashboard says more).
 */
export async function BudgetBanner({ actor }: { actor: Actor }) {
  const exceeded = await exceededBudgets(await db(), actor).catch(() => null);
  if (!exceeded || exceeded.count === 0) return null;
  const more = exceeded.count - exceeded.names.length;
  return (
    <p role="status" data-testid="budget-banner" className="border-b border-amber-300 bg-amber-50 px-4 py-1.5 text-center text-sm text-amber-950">
      {exceeded.count === 1 ? "1 budget is" : `${exceeded.count} budgets are`} over 100 % this month: {exceeded.names.join(", ")}
      {more > 0 ? ` and ${more} more` : ""}.{" "}
      <Link href="/cost?range=month" className="font-medium underline">
        See cost and budgets
      </Link>
    </p>
  );
}
