import Link from "next/link";
import type { Metadata } from "next";
import { notFound } from "next/navigation";
import { DiffView, PolicySource } from "@/components/policies/diff-view";
import { VersionList } from "@/components/policies/version-list";
import { formatTime, shortHash } from "@/components/ui/format";
import { Pagination } from "@/components/ui/pagination";
import { PageHeader, Section } from "@/components/ui/section";
import { firstParam, parseScopePath, policyScopeHref, type RawSearchParams } from "@/lib/schemas/policies";
import { getPolicyHistory, getPolicyVersion, type ReadableScope } from "@/lib/server/policies/read";
import { requireActor } from "@/lib/server/session";
import { ReceiptLink } from "@/components/ui/receipt-link";

export const dynamic = "force-dynamic";

type Props = { params: Promise<{ scope: string[] }>; searchParams: Promise<RawSearchParams> };

const LEVEL_TITLES = { platform: "Platform policy", tenant: "Tenant policy", profile: "Profile policy" } as const;

export async function generateMetadata({ params }: Props): Promise<Metadata> {
  const parsed = parseScopePath((await params).scope);
  return { title: parsed ? `${LEVEL_TITLES[parsed.ref.level]}${parsed.version ? ` v${parsed.version}` : ""}` : "Policies" };
}

function scopeTitle(scope: ReadableScope): string {
  return scope.ref.level === "platform" ? LEVEL_TITLES.platform : `${LEVEL_TITLES[scope.ref.level]}: ${scope.label}`;
}

function Breadcrumb({ scope, version }: { scope: ReadableScope; version?: number }) {
  return (
    <nav aria-label="Breadcrumb" className="mb-2 text-sm text-slate-500">
      <Link href="/policies" className="hover:text-slate-900 hover:underline">
        Policies
      </Link>{" "}
      /{" "}
      {version ? (
        <>
          <Link href={policyScopeHref(scope.ref)} className="hover:text-slate-900 hover:underline">
            {scope.label}
          </Link>{" "}
          / <span aria-current="page">version {version}</span>
        </>
      ) : (
        <span aria-current="page">{scope.label}</span>
      )}
    </nav>
  );
}

export default async function PolicyScopePage({ params, searchParams }: Props) {
  const actor = await requireActor();
  const parsed = parseScopePath((await params).scope);
  if (!parsed) notFound();

  if (parsed.version !== null) {
    const view = await getPolicyVersion(actor, parsed.ref, parsed.version);
    if (!view) notFound();
    const v = view.version;
    const inForce = v.version === view.newestVersion;
    return (
      <>
        <Breadcrumb scope={view.scope} version={v.version} />
        <PageHeader
          title={`${scopeTitle(view.scope)}, version ${v.version}`}
          description={
            <>
              {`${inForce ? "In force" : `Replaced by version ${view.newestVersion}`} · applied ${formatTime(v.createdAt)} by ${v.author} · receipt `}
              {v.receiptId ? <ReceiptLink id={v.receiptId} /> : "—"}
            </>
          }
        />
        <div className="space-y-4">
          <Section
            id="diff"
            title={view.previous ? `Changes since version ${view.previous.version}` : "First version"}
            description={<span className="font-mono" title={v.hash}>{shortHash(v.hash, 64)}</span>}
          >
            <DiffView lines={view.diff} />
          </Section>
          <Section id="source" title="Source">
            <PolicySource source={v.source} />
          </Section>
        </div>
      </>
    );
  }

  const requested = Number(firstParam(await searchParams, "page"));
  const history = await getPolicyHistory(actor, parsed.ref, Number.isInteger(requested) && requested > 0 ? requested : 1);
  if (!history) notFound();
  const scope = history.scope;
  return (
    <>
      <Breadcrumb scope={scope} />
      <PageHeader
        title={scopeTitle(scope)}
        description={
          history.active
            ? `Version ${history.active.version} in force since ${formatTime(history.active.createdAt)}, applied by ${history.active.author}.`
            : parsed.ref.level === "platform"
              ? "No platform policy has been applied: every job is denied (fail closed)."
              : "No policy at this level: only the levels above apply."
        }
      />
      <div className="space-y-4">
        <Section id="history" title="History" description="Every version ever applied; open one to see what it changed.">
          {history.versions.length === 0 ? (
            <p className="text-sm text-slate-500">No versions yet.</p>
          ) : (
            <>
              <VersionList scope={scope.ref} versions={history.versions} activeVersion={history.active?.version ?? null} />
              {history.pageCount > 1 ? (
                <Pagination
                  page={history.page}
                  pageCount={history.pageCount}
                  total={history.total}
                  noun="version"
                  hrefFor={(page) => `${policyScopeHref(scope.ref)}${page > 1 ? `?page=${page}` : ""}`}
                />
              ) : null}
            </>
          )}
        </Section>
        {history.active ? (
          <Section id="source" title={`Source of version ${history.active.version}`}>
            <PolicySource source={history.active.source} />
          </Section>
        ) : null}
      </div>
    </>
  );
}
