"use client";
import { useId, useState, type ReactNode } from "react";

export interface TableColumn<Row> {
  key: string;
  label: string;
  /** Cell text; numbers are right-aligned. */
  value: (row: Row) => string | number;
  /** Optional link for the cell (e.g. the matching audit entries). */
  href?: (row: Row) => string | null;
}

/**
 * A chart with its text alternative: a "Chart / Table" toggle shows the same
 * figures as a table (also what screen readers get). Loading, error and empty
 * states are worded here so every dashboard says them the same way.
 */
export function ChartCard<Row>({
  title,
  description,
  rows,
  columns,
  loading,
  error,
  empty = "Nothing in this range.",
  children,
}: {
  title: string;
  description?: ReactNode;
  rows: readonly Row[];
  columns: readonly TableColumn<Row>[];
  loading?: boolean;
  error?: string | null;
  empty?: string;
  children: ReactNode;
}) {
  const [view, setView] = useState<"chart" | "table">("chart");
  const headingId = useId();
  const hasRows = rows.length > 0;
  return (
    <section aria-labelledby={headingId} className="min-w-0 rounded-lg border border-slate-200 bg-white shadow-sm" aria-busy={loading || undefined}>
      <header className="flex flex-wrap items-start justify-between gap-2 border-b border-slate-100 px-4 py-3">
        <div className="min-w-0">
          <h2 id={headingId} className="text-sm font-semibold text-slate-900">
            {title}
          </h2>
          {description ? <p className="mt-0.5 text-xs text-slate-500">{description}</p> : null}
        </div>
        <div role="group" aria-label={`${title}: view`} className="flex overflow-hidden rounded-md border border-slate-300 text-xs">
          {(["chart", "table"] as const).map((option) => (
            <button
              key={option}
              type="button"
              aria-pressed={view === option}
              onClick={() => setView(option)}
              className={`px-2 py-1 font-medium ${view === option ? "bg-slate-800 text-white" : "bg-white text-slate-700 hover:bg-slate-100"}`}
            >
              {option === "chart" ? "Chart" : "Table"}
            </button>
          ))}
        </div>
      </header>
      <div className="px-4 py-3">
        {error ? (
          <p role="alert" className="text-sm text-red-700">
            {error}
          </p>
        ) : loading && !hasRows ? (
          <p className="text-sm text-slate-500">Loading…</p>
        ) : !hasRows ? (
          <p className="text-sm text-slate-500">{empty}</p>
        ) : view === "chart" ? (
          <div className="h-64 w-full">{children}</div>
        ) : (
          <DataTable caption={title} rows={rows} columns={columns} />
        )}
      </div>
    </section>
  );
}

export function DataTable<Row>({ caption, rows, columns }: { caption: string; rows: readonly Row[]; columns: readonly TableColumn<Row>[] }) {
  return (
    <div className="max-h-80 overflow-auto">
      <table className="w-full text-left text-xs">
        <caption className="sr-only">{caption}</caption>
        <thead className="sticky top-0 bg-white">
          <tr className="border-b border-slate-200 text-slate-600">
            {columns.map((c) => (
              <th key={c.key} scope="col" className="px-2 py-1 font-medium">
                {c.label}
              </th>
            ))}
          </tr>
        </thead>
        <tbody>
          {rows.map((row, i) => (
            <tr key={i} className="border-b border-slate-100">
              {columns.map((c) => {
                const value = c.value(row);
                const href = c.href?.(row);
                const text = typeof value === "number" ? value.toLocaleString("en-US") : value;
                return (
                  <td key={c.key} className={`px-2 py-1 ${typeof value === "number" ? "text-right tabular-nums" : ""}`}>
                    {href ? (
                      <a href={href} className="text-sky-700 underline hover:text-sky-900">
                        {text}
                      </a>
                    ) : (
                      text
                    )}
                  </td>
                );
              })}
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
