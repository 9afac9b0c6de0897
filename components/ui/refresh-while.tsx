"use client";
import { useRouter } from "next/navigation";
import { useEffect } from "react";

/**
 * Re-renders the page's server components every `seconds` while it is
 * mounted (render it only while something is in flight, e.g. a rollback the
 * host has not reported yet), so the reader watches it complete without
 * reloading. Stops while the tab is hidden; client state (forms) is kept.
 */
export function RefreshWhile({ seconds, label }: { seconds: number; label: string }) {
  const router = useRouter();
  useEffect(() => {
    const timer = setInterval(() => {
      if (document.visibilityState === "visible") router.refresh();
    }, seconds * 1000);
    return () => clearInterval(timer);
  }, [router, seconds]);
  return (
    <span className="sr-only" data-testid="refresh-while">
      {label}
    </span>
  );
}
