import { holdsAnywhere } from "@/lib/authz";
import Link from "next/link";
import type { Metadata } from "next";
import { redirect } from "next/navigation";
import { FiltersForm } from "@/components/registry/filters-form";
import { ProfilesTable } from "@/components/registry/profiles-table";
import { Pagination } from "@/components/ui/pagination";
import { QueryNotices, receivedQueryString } from "@/components/ui/query-notices";
import { EmptyState, PageHeader } from "@/components/ui/section";
import { hasFilters, parseRegistryQuery, registryQueryString } from "@/lib/domain/registry-query";
import { listOwners, listProfiles } from "@/lib/server/profiles";
import { requireActor } from "@/lib/server/session";

export const dynamic = "force-dynamic";
export const metadata: Metadata = { title: "Registry" };

export default async function RegistryPage({
  searchParams,
}: {
  searchParams: Promise<Record<string, string | string[] | undefined>>;
}) {
  const actor = await requireActor();
  const raw = await searchParams;
  const { query, problems } = parseRegistryQuery(raw);
  // A GET form also sends blank fields: settle on the short, canonical address (a reload reproduces it).
  const canonical = registryQueryString(query);
  if (problems.length === 0 && canonical !== receivedQueryString(raw)) redirect(`/profiles${canonical}`);

  if (!holdsAnywhere(actor, "registry.read")) {
    return (
      <>
        <PageHeader title="Registry" />
        <EmptyState title="You are not a member of any tenant yet">
          Ask a tenant admin to add you; its profiles will appear here.
        </EmptyState>
      </>
    );
  }

  const [result, owners] = await Promise.all([listProfiles(actor, query), listOwners(actor)]);
  const filtered = hasFilters(query);

  return (
    <>
      <PageHeader
        title="Registry"
        description={`${result.total.toLocaleString("en-US")} ${filtered ? "matching " : ""}profile${result.total === 1 ? "" : "s"}`}
      />
      <QueryNotices problems={problems} requestedPage={query.page} page={result.page} />
      <FiltersForm query={query} tenants={actor.tenants} owners={owners} />
      {result.total === 0 ? (
        filtered ? (
          <EmptyState title="No profiles match these filters">
            <Link href="/profiles" className="font-medium text-indigo-700 hover:underline">
              Clear filters
            </Link>
          </EmptyState>
        ) : (
          <EmptyState title="No profiles registered yet">
            Profiles appear here once the platform team syncs the registry (<code className="font-mono">npx cellgate registry sync FILE --apply</code>).
          </EmptyState>
        )
      ) : (
        <>
          <ProfilesTable
            rows={result.rows}
            query={{ ...query, page: result.page }}
            now={new Date()}
            showTenant={actor.platformAdmin || actor.tenants.length > 1}
          />
          <Pagination
            page={result.page}
            pageCount={result.pageCount}
            total={result.total}
            noun="profile"
            hrefFor={(page) => `/profiles${registryQueryString({ ...query, page })}`}
          />
        </>
      )}
    </>
  );
}
