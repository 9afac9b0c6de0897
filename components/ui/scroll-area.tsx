"use client";
import { useEffect, useRef, useState, type ReactNode } from "react";

/**
 * A box that scrolls sideways on its own (a wide table, a code block) rather
 * than making the page scroll. While its content is wider than it is, it is a
 * Tab stop and a named region, so a keyboard user can scroll it too (WCAG
 * 2.1.1; axe "scrollable-region-focusable"); when everything fits it is a
 * plain box and adds no Tab stop.
 */
export function ScrollArea({
  label,
  as: Tag = "div",
  className = "",
  children,
  testId,
}: {
  /** What the box holds, e.g. "Canonical job payload": its name while it scrolls. */
  label: string;
  as?: "div" | "pre";
  className?: string;
  children: ReactNode;
  testId?: string;
}) {
  const ref = useRef<HTMLElement | null>(null);
  const [scrolls, setScrolls] = useState(false);
  useEffect(() => {
    const el = ref.current;
    if (!el) return;
    const measure = () => setScrolls(el.scrollWidth > el.clientWidth + 1 || el.scrollHeight > el.clientHeight + 1);
    measure();
    const observer = new ResizeObserver(measure);
    observer.observe(el);
    for (const child of Array.from(el.children)) observer.observe(child);
    return () => observer.disconnect();
  }, []);
  return (
    <Tag
      ref={ref as never}
      className={className}
      data-testid={testId}
      tabIndex={scrolls ? 0 : undefined}
      role={scrolls ? "region" : undefined}
      aria-label={Tag === "pre" || scrolls ? label : undefined}
    >
      {children}
    </Tag>
  );
}
