"use client";
import type { MouseEvent } from "react";

/**
 * "Skip to content": the first thing Tab reaches. It moves focus to <main>
 * (tabIndex -1), so the next Tab continues inside the page, not in the header.
 * Without JavaScript the plain #main link does the same in the browser.
 */
export function SkipLink() {
  const skip = (event: MouseEvent<HTMLAnchorElement>) => {
    const main = document.getElementById("main");
    if (!main) return;
    event.preventDefault();
    main.focus();
    main.scrollIntoView({ block: "start" });
  };
  return (
    <a
      href="#main"
      onClick={skip}
      className="sr-only focus:not-sr-only focus:absolute focus:left-2 focus:top-2 focus:z-50 focus:rounded focus:bg-white focus:px-3 focus:py-2 focus:text-sm focus:text-slate-900"
    >
      Skip to content
    </a>
  );
}
