import Link from "next/link";
import { holdsAnywhere, ROLE_LABELS } from "@/lib/authz";
import type { SessionActor } from "@/lib/server/session";
import { NavLinks } from "./nav-links";
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
  const roles = actor.platformAdmin
    ? [{ key: "platform", label: ROLE_LABELS.platform_admin }]
    : actor.tenants.flatMap((t) =>
        t.roles.map((r) => ({ key: `${t.slug}:${r}`, label: actor.tenants.length > 1 ? `${t.slug} · ${ROLE_LABELS[r]}` : ROLE_LABELS[r] })),
      );
  const viewAsTenant = actor.viewAs ? actor.tenants.find((t) => t.id === actor.viewAs!.tenantId) : undefined;
  return (
    <>
      <header className="bg-slate-900 text-slate-100">
        <div className="mx-auto flex max-w-7xl flex-wrap items-center gap-x-6 gap-y-2 px-4 py-2.5">
          <Link href="/" className="flex items-center gap-2 text-sm font-semibold tracking-tight text-white">
            <span aria-hidden="true" className="grid size-6 place-items-center rounded bg-indigo-500 text-xs font-bold">
              C
            </span>
            Cellgate
          </Link>
          <NavLinks canReadJobs={holdsAnywhere(actor, "job.read")} canReadAudit={holdsAnywhere(actor, "audit.read")} />
          <div className="ml-auto flex flex-wrap items-center gap-3">
            <span className="text-xs text-slate-400" title="Tenant context">
              <span className="sr-only">Tenant: </span>
              {tenantContext(actor)}
            </span>
            <ul aria-label="Your roles" className="flex flex-wrap gap-1">
              {roles.map((r) => (
                <li key={r.key} className="rounded bg-slate-700 px-1.5 py-0.5 text-xs font-medium text-slate-100">
                  {r.label}
                </li>
              ))}
            </ul>
            <span className="text-right text-xs leading-tight">
              <span className="block font-medium text-white">{actor.name}</span>
              <span className="block text-slate-400">{actor.email}</span>
            </span>
            {actor.isPlatformAdminUser && !actor.viewAs && viewAsTenants.length > 0 ? (
              <ViewAsPicker tenants={viewAsTenants} action={startViewAs} />
            ) : null}
            <SignOutButton className="rounded-md border border-slate-600 px-2.5 py-1 text-xs font-medium text-slate-100 hover:bg-slate-800 disabled:opacity-60" />
          </div>
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
