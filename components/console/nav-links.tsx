"use client";
import Link from "next/link";
import { usePathname } from "next/navigation";
import { useEffect, useId, useRef, useState, type ReactNode } from "react";

type NavLink = { href: string; label: string; needs?: "jobs" | "audit" | "siem" };

/** Shown in the header row on desktop widths. */
const PRIMARY: readonly NavLink[] = [
  { href: "/", label: "Overview" },
  { href: "/profiles", label: "Registry" },
  { href: "/safety", label: "Safety" },
  { href: "/cost", label: "Cost" },
  { href: "/readiness", label: "Readiness" },
  { href: "/approvals", label: "Approvals", needs: "jobs" },
  { href: "/kill-switches", label: "Kill switches" },
  { href: "/audit", label: "Audit log", needs: "audit" },
];

/** Less used: behind "More" on desktop widths, listed with the rest in the phone menu. */
const MORE: readonly NavLink[] = [
  { href: "/policies", label: "Policies" },
  { href: "/receipts", label: "Receipts" },
  { href: "/tokens", label: "Tokens" },
  { href: "/siem", label: "SIEM export", needs: "siem" },
  { href: "/security", label: "Security" },
];

function isActive(href: string, pathname: string): boolean {
  return href === "/" ? pathname === "/" : pathname === href || pathname.startsWith(`${href}/`);
}

function Item({ link, pathname }: { link: NavLink; pathname: string }) {
  const active = isActive(link.href, pathname);
  return (
    <li>
      <Link
        href={link.href}
        aria-current={active ? "page" : undefined}
        className={`flex min-h-11 items-center whitespace-nowrap rounded-md px-3 text-sm font-medium xl:min-h-0 xl:px-2.5 xl:py-1.5 ${
          active ? "bg-slate-800 text-white" : "text-slate-200 hover:bg-slate-800 hover:text-white"
        }`}
      >
        {link.label}
      </Link>
    </li>
  );
}

/**
 * The console's navigation and account block. Below the `xl` breakpoint (1280 px) they
 * collapse behind a "Menu" button (a disclosure laid over the page, so opening
 * it moves nothing); from `xl` up they sit in one header row, the less used
 * links behind "More". Both close on navigation and on Escape. Which
 * permission-gated links to show is a hint only: the pages check again on the server.
 */
export function ConsoleNav({
  canReadJobs,
  canReadAudit,
  canReadSiem = false,
  account,
}: {
  canReadJobs: boolean;
  canReadAudit: boolean;
  canReadSiem?: boolean;
  account: ReactNode;
}) {
  const shown = { jobs: canReadJobs, audit: canReadAudit, siem: canReadSiem };
  const visible = (link: NavLink) => !link.needs || shown[link.needs];
  const pathname = usePathname();
  const [open, setOpen] = useState(false);
  const [moreOpen, setMoreOpen] = useState(false);
  const panelId = useId();
  const moreId = useId();
  const moreRef = useRef<HTMLLIElement>(null);

  // A link followed (or back/forward) closes both menus.
  useEffect(() => {
    setOpen(false);
    setMoreOpen(false);
  }, [pathname]);

  useEffect(() => {
    if (!open && !moreOpen) return;
    const onKey = (event: KeyboardEvent) => {
      if (event.key === "Escape") {
        setOpen(false);
        setMoreOpen(false);
      }
    };
    const onPointer = (event: PointerEvent) => {
      if (moreOpen && moreRef.current && !moreRef.current.contains(event.target as Node)) setMoreOpen(false);
    };
    document.addEventListener("keydown", onKey);
    document.addEventListener("pointerdown", onPointer);
    return () => {
      document.removeEventListener("keydown", onKey);
      document.removeEventListener("pointerdown", onPointer);
    };
  }, [open, moreOpen]);

  const moreActive = MORE.some((link) => isActive(link.href, pathname));
  return (
    <>
      <button
        type="button"
        aria-expanded={open}
        aria-controls={panelId}
        onClick={() => setOpen((value) => !value)}
        className="ml-auto inline-flex min-h-11 items-center gap-2 rounded-md border border-slate-600 px-3 text-sm font-medium text-slate-100 hover:bg-slate-800 xl:hidden"
      >
        <svg aria-hidden="true" viewBox="0 0 20 20" className="size-4" fill="currentColor">
          {open ? (
            <path d="M5.3 4.3 10 9l4.7-4.7 1 1L11 10l4.7 4.7-1 1L10 11l-4.7 4.7-1-1L9 10 4.3 5.3z" />
          ) : (
            <path d="M3 5h14v1.5H3zm0 4.25h14v1.5H3zM3 13.5h14V15H3z" />
          )}
        </svg>
        Menu
      </button>
      <div
        id={panelId}
        className={`${open ? "block" : "hidden"} absolute inset-x-0 top-full z-40 max-h-[calc(100dvh-3.5rem)] overflow-y-auto border-t border-slate-700 bg-slate-900 px-4 pb-4 shadow-lg xl:static xl:z-auto xl:flex xl:max-h-none xl:min-w-0 xl:flex-1 xl:items-center xl:gap-4 xl:overflow-visible xl:border-0 xl:p-0 xl:shadow-none`}
      >
        <nav aria-label="Main" className="xl:min-w-0">
          <ul className="flex flex-col gap-1 py-3 xl:flex-row xl:items-center xl:gap-0.5 xl:py-0">
            {PRIMARY.filter(visible).map((link) => (
              <Item key={link.href} link={link} pathname={pathname} />
            ))}
            <li ref={moreRef} className="xl:relative">
              <button
                type="button"
                aria-expanded={moreOpen}
                aria-controls={moreId}
                onClick={() => setMoreOpen((value) => !value)}
                className={`hidden items-center gap-1 whitespace-nowrap rounded-md px-2.5 py-1.5 text-sm font-medium xl:inline-flex ${
                  moreActive ? "bg-slate-800 text-white" : "text-slate-200 hover:bg-slate-800 hover:text-white"
                }`}
              >
                More
                <svg aria-hidden="true" viewBox="0 0 20 20" className="size-4" fill="currentColor">
                  <path d="M5.2 7.5 10 12.3l4.8-4.8 1 1-5.8 5.8-5.8-5.8z" />
                </svg>
              </button>
              <ul
                id={moreId}
                aria-label="More pages"
                className={`flex flex-col gap-1 xl:absolute xl:right-0 xl:top-full xl:z-40 xl:mt-2 xl:w-44 xl:rounded-lg xl:bg-slate-900 xl:p-1.5 xl:shadow-lg xl:ring-1 xl:ring-slate-700 ${
                  moreOpen ? "xl:flex" : "xl:hidden"
                }`}
              >
                {MORE.filter(visible).map((link) => (
                  <Item key={link.href} link={link} pathname={pathname} />
                ))}
              </ul>
            </li>
          </ul>
        </nav>
        <div className="border-t border-slate-700 pt-3 xl:ml-auto xl:min-w-0 xl:border-0 xl:pt-0">{account}</div>
      </div>
    </>
  );
}
