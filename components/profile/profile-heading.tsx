import Link from "next/link";
import type { ReactNode } from "react";

/** A profile page's breadcrumb (`parent` / slug) and title row; `children` follow the title (badges, links). */
export function ProfileHeading({ parent, slug, children }: { parent: { href: string; label: string }; slug: string; children: ReactNode }) {
  return (
    <>
      <nav aria-label="Breadcrumb" className="mb-2 text-sm text-slate-500">
        <Link href={parent.href} className="hover:text-slate-900 hover:underline">
          {parent.label}
        </Link>{" "}
        / <span aria-current="page">{slug}</span>
      </nav>
      <div className="mb-5 flex flex-wrap items-center gap-3">
        <h1 className="text-xl font-semibold tracking-tight text-slate-900">{slug}</h1>
        {children}
      </div>
    </>
  );
}
