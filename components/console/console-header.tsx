import Link from "next/link";
import { holdsAnywhere, ROLE_LABELS } from "@/lib/authz";
import type { SessionActor } from "@/lib/server/session";
import { mayReadSiemStatus } from "@/lib/server/siem/access";
import { ConsoleNav } from "./nav-links";
import { SignOutButton } from "@/app/(auth)/sign-out-button";
import { StopViewAsButton, ViewAsPicker } from "./view-as-controls";
import type { ActionResult } from "@/lib/server/action";

type ServerAction = (prev: unknown, formData: FormData) => Promise<ActionResult<unknown>>;

function tenantContext(actor: SessionActor): string {
  if (actor.platformAdmin) return "All tenants";
  if (actor.tenants.length === 0) return "No tenant";
  if (actor.tenants.length === 1) return actor.tenants[0]!.name;
  return `${actor.tenants.length} tenants`;
}

/** Who is signed in, as what, where: compact enough to share the header row with the navigation. */
function Account({
  actor,
  viewAsTenants,
  startViewAs,
}: {
  actor: SessionActor;
  viewAsTenants: { slug: string; name: string }[];
  startViewAs: ServerAction;
}) {
  const roles = actor.platformAdmin
    ? [{ key: "platform", label: ROLE_LABELS.platform_admin }]
    : actor.tenants.flatMap((t) =>
        t.roles.map((r) => ({ key: `${t.slug}:${r}`, label: actor.tenants.length > 1 ? `${t.slug} · ${ROLE_LABELS[r]}` : ROLE_LABELS[r] })),
      );
  return (
    <div className="flex flex-col gap-3 xl:flex-row xl:items-center xl:gap-3">
      <div className="min-w-0 text-xs leading-tight xl:max-w-56">
        <span className="block truncate font-medium text-white" title={actor.email}>
          {actor.name}
        </span>
        {/* Shown in the phone menu; on desktop it is the name's tooltip (and read out). */}
        <span className="block truncate text-slate-300 xl:sr-only">{actor.email}</span>
        <div className="mt-0.5 flex min-w-0 items-center gap-1 text-slate-300" title={roles.map((r) => r.label).join(", ")}>
          <ul aria-label="Your roles" className="flex min-w-0 flex-wrap gap-1 xl:flex-nowrap xl:overflow-hidden">
            {roles.map((r) => (
              <li key={r.key} className="whitespace-nowrap rounded bg-slate-700 px-1.5 font-medium text-slate-100">
                {r.label}
              </li>
            ))}
          </ul>
          <span className="truncate" title="Tenant context">
            <span className="sr-only">Tenant: </span>
            {tenantContext(actor)}
          </span>
        </div>
      </div>
      <div className="flex items-center gap-2">
        {actor.isPlatformAdminUser && !actor.viewAs && viewAsTenants.length > 0 ? (
          <ViewAsPicker tenants={viewAsTenants} action={startViewAs} />
        ) : null}
        <SignOutButton className="min-h-11 whitespace-nowrap rounded-md border border-slate-600 px-3 text-xs font-medium text-slate-100 hover:bg-slate-800 disabled:opacity-60 xl:min-h-0 xl:px-2.5 xl:py-1" />
      </div>
    </div>
  );
}

export function ConsoleHeader({
  actor,
  viewAsTenants,
  startViewAs,
  stopViewAs,
}: {
  actor: SessionActor;
  viewAsTenants: { slug: string; name: string }[];
  startViewAs: ServerAction;
  stopViewAs: ServerAction;
}) {
  const viewAsTenant = actor.viewAs ? actor.tenants.find((t) => t.id === actor.viewAs!.tenantId) : undefined;
  return (
    <>
      <header className="relative bg-slate-900 text-slate-100">
        <div className="mx-auto flex min-h-14 max-w-7xl items-center gap-4 px-4 py-1.5 xl:gap-5">
          <Link href="/" className="flex min-h-11 shrink-0 items-center gap-2 text-sm font-semibold tracking-tight text-white">
            <span aria-hidden="true" className="grid size-6 place-items-center rounded bg-indigo-500 text-xs font-bold">
              C
            </span>
            Cellgate
          </Link>
          <ConsoleNav
            canReadJobs={holdsAnywhere(actor, "job.read")}
            canReadAudit={holdsAnywhere(actor, "audit.read")}
            canReadSiem={mayReadSiemStatus(actor)}
            account={<Account actor={actor} viewAsTenants={viewAsTenants} startViewAs={startViewAs} />}
          />
        </div>
      </header>
      {actor.viewAs ? (
        <div className="border-b border-amber-300 bg-amber-100 text-amber-950">
          <div className="mx-auto flex max-w-7xl flex-wrap items-center justify-between gap-2 px-4 py-2 text-sm">
            <p>
              Viewing as <strong>{ROLE_LABELS[actor.viewAs.role]}</strong> in{" "}
              <strong>{viewAsTenant?.name ?? "a tenant"}</strong> — read only.
            </p>
            <StopViewAsButton action={stopViewAs} />
          </div>
        </div>
      ) : null}
    </>
  );
}
