"use client";
import Link from "next/link";
import { usePathname } from "next/navigation";
import { useEffect, useState } from "react";
import { formatTime } from "@/components/ui/format";
import type { BannerSwitch } from "@/lib/server/killswitches/banner";
import { AgentText } from "@/components/ui/agent-text";

/** Where the layout banner re-reads its switches (session-authenticated, JSON). */
export const BANNER_PATH = "/kill-switches/banner";
const REFRESH_MS = 60_000;

export function BannerLines({ switches }: { switches: BannerSwitch[] }) {
  return (
    <div className="flex flex-wrap items-start justify-between gap-2 text-sm">
      <ul className="space-y-0.5">
        {switches.map((sw) => (
          <li key={sw.id} data-switch-id={sw.id}>
            <strong className="font-semibold">Kill switch engaged: {sw.description}.</strong> <AgentText text={sw.reason} />{" "}
            <span className="text-rose-800/80">
              (since {formatTime(sw.engagedAt)}
              {sw.autoReleaseAt ? `, releases itself at ${formatTime(sw.autoReleaseAt)}` : ""})
            </span>
          </li>
        ))}
      </ul>
      <Link href="/kill-switches" className="shrink-0 font-medium text-rose-900 underline hover:text-rose-700">
        Kill switches
      </Link>
    </div>
  );
}

/**
 * The layout's banner (global and tenant switches). The console layout is not
 * re-rendered when moving between pages, so the banner re-reads the switches
 * on every navigation and once a minute; if a read fails it keeps what it had.
 */
export function LiveKillSwitchBanner({ initial }: { initial: BannerSwitch[] }) {
  const pathname = usePathname();
  const [switches, setSwitches] = useState(initial);
  useEffect(() => setSwitches(initial), [initial]);
  useEffect(() => {
    let cancelled = false;
    const load = async () => {
      try {
        const res = await fetch(BANNER_PATH, { cache: "no-store", headers: { accept: "application/json" } });
        if (!res.ok || !res.headers.get("content-type")?.includes("application/json")) return;
        const body = (await res.json()) as { switches?: BannerSwitch[] };
        if (!cancelled && Array.isArray(body.switches)) setSwitches(body.switches);
      } catch {
        // offline or signed out: keep what is shown
      }
    };
    void load();
    const timer = setInterval(load, REFRESH_MS);
    return () => {
      cancelled = true;
      clearInterval(timer);
    };
  }, [pathname]);
  if (switches.length === 0) return null;
  return (
    <section aria-label="Kill switches in force" data-testid="kill-switch-banner" className="border-b border-rose-300 bg-rose-100 text-rose-950">
      <div className="mx-auto max-w-7xl px-4 py-2">
        <BannerLines switches={switches} />
      </div>
    </section>
  );
}
