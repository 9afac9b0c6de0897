"use client";
/**
 * A long value (a hash) shown shortened, the full value on hover (title) and
 * one click away on the clipboard. The full text stays in the DOM for
 * selection and screen readers (visually truncated with CSS).
 */
import { useState } from "react";

export function CopyValue({ value, label }: { value: string; label: string }) {
  const [copied, setCopied] = useState(false);
  return (
    <span className="inline-flex max-w-full items-center gap-1 align-middle">
      <code className="block min-w-0 w-[6.5rem] truncate font-mono text-xs text-slate-600" title={value}>
        {value}
      </code>
      <button
        type="button"
        aria-label={`Copy ${label}`}
        title={copied ? "Copied" : `Copy ${label}`}
        onClick={() => {
          void navigator.clipboard?.writeText(value).then(
            () => {
              setCopied(true);
              setTimeout(() => setCopied(false), 1500);
            },
            () => undefined,
          );
        }}
        className="shrink-0 rounded px-1 text-xs text-slate-500 hover:bg-slate-100 hover:text-slate-800"
      >
        {copied ? "copied" : "copy"}
      </button>
    </span>
  );
}
