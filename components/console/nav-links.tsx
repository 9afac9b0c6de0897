"use client";
import Link from "next/link";
import { usePathname } from "next/navigation";

const LINKS = [
  { href: "/", label: "Overview" },
  { href: "/profiles", label: "Registry" },
  { href: "/safety", label: "Safety" },
  { href: "/cost", label: "Cost" },
  { href: "/readiness", label: "Readiness" },
  { href: "/approvals", label: "Approvals", needs: "jobs" },
  { href: "/policies", label: "Policies" },
  { href: "/kill-switches", label: "Kill switches" },
  { href: "/audit", label: "Audit log", needs: "audit" },
  { href: "/receipts", label: "Receipts" },
  { href: "/tokens", label: "Tokens" },
] as const;

/** Which permission-gated links to show (the pages check again on the server). */
export function NavLinks({ canReadJobs, canReadAudit }: { canReadJobs: boolean; canReadAudit: boolean }) {
  const shown = { jobs: canReadJobs, audit: canReadAudit };
  const pathname = usePathname();
  return (
    <nav aria-label="Main">
      <ul className="flex items-center gap-1">
        {LINKS.filter((link) => !("needs" in link) || shown[link.needs]).map(({ href, label }) => {
          const active = href === "/" ? pathname === "/" : pathname === href || pathname.startsWith(`${href}/`);
          return (
            <li key={href}>
              <Link
                href={href}
                aria-current={active ? "page" : undefined}
                className={`rounded-md px-3 py-1.5 text-sm font-medium ${
                  active ? "bg-slate-800 text-white" : "text-slate-300 hover:bg-slate-800 hover:text-white"
                }`}
              >
                {label}
              </Link>
            </li>
          );
        })}
      </ul>
    </nav>
  );
}
