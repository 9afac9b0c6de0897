import Link from "next/link";
import type { Metadata } from "next";
import { notFound, redirect } from "next/navigation";
import { FleetBoard } from "@/components/dashboards/readiness/fleet-board";
import { ReadinessFilters } from "@/components/dashboards/readiness/readiness-filters";
import { receivedQueryString } from "@/components/ui/query-notices";
import { EmptyState, PageHeader } from "@/components/ui/section";
import { getReadinessBoard } from "@/lib/server/dashboards/readiness-page";
import { parseReadinessQuery, readinessSearch } from "@/lib/server/dashboards/readiness-query";
import { requireActor } from "@/lib/server/session";

export const dynamic = "force-dynamic";
export const metadata: Metadata = { title: "Readiness" };

type Props = { searchParams: Promise<Record<string, string | string[] | undefined>> };

export default async function ReadinessPage({ searchParams }: Props) {
  const actor = await requireActor();
  const raw = await searchParams;
  const { query, problems } = parseReadinessQuery(raw);
  // A GET form also sends blank fields: settle on the short, canonical address (a reload reproduces it).
  const canonical = readinessSearch(query);
  if (problems.length === 0 && canonical !== receivedQueryString(raw)) redirect(`/readiness${canonical}`);
  const board = await getReadinessBoard(actor, query);
  if (!board) notFound();
  const now = new Date();
  const showTenant = !query.tenant && (actor.platformAdmin || actor.tenants.length > 1);
  return (
    <>
      <PageHeader
        title="Readiness"
        description={
          <>
            Profiles by canary stage, with rollback targets and the last rollback drill; profiles short of their tier&apos;s controls come
            first. Open a card for its evidence, controls and the gate to the next stage.{" "}
            <Link href="/" className="text-indigo-700 hover:underline">
              Overview
            </Link>
          </>
        }
      />
      <ReadinessFilters query={query} tenants={actor.tenants} problems={problems} />
      <p className="mb-3 text-sm text-slate-700" data-testid="readiness-summary">
        {`${board.total.toLocaleString("en-US")} profiles · ${board.short.toLocaleString("en-US")} short of their tier's controls`}
      </p>
      {board.total === 0 && !query.stage ? (
        <EmptyState title="No profiles here yet">Profiles appear once the registry lists them for your tenants.</EmptyState>
      ) : (
        <FleetBoard board={board} tenant={query.tenant} showTenant={showTenant} now={now} />
      )}
    </>
  );
}
