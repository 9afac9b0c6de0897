import { ScrollArea } from "@/components/ui/scroll-area";
import Link from "next/link";

export interface BreakdownItem {
  key: string;
  label: string;
  count: number;
  href: string;
  /** Tailwind background class for the bar. */
  color?: string;
}

/** A labelled list of horizontal bars; every row links to the filtered registry. */
export function Breakdown({ title, items, total }: { title: string; items: BreakdownItem[]; total: number }) {
  const max = Math.max(1, ...items.map((i) => i.count));
  const id = `bd-${title.toLowerCase().replace(/[^a-z]+/g, "-")}`;
  return (
    <section aria-labelledby={id} className="rounded-lg border border-slate-200 bg-white p-4 shadow-sm">
      <h2 id={id} className="text-sm font-semibold text-slate-900">
        {title}
      </h2>
      <ScrollArea label="Breakdown table" className="mt-3 overflow-x-auto">
        <table className="w-full text-sm">
          <caption className="sr-only">
            Profiles by {title.toLowerCase()} ({total} in total)
          </caption>
          <thead className="sr-only">
            <tr>
              <th scope="col">{title}</th>
              <th scope="col">Share</th>
              <th scope="col">Profiles</th>
            </tr>
          </thead>
          <tbody>
            {items.map((item) => (
              <tr key={item.key}>
                <th scope="row" className="w-40 py-1 pr-3 text-left font-normal">
                  <Link href={item.href} className="text-slate-700 hover:text-indigo-700 hover:underline">
                    {item.label}
                  </Link>
                </th>
                <td className="py-1" aria-hidden="true">
                  <div className="h-2.5 w-full rounded bg-slate-100">
                    <div
                      className={`h-2.5 rounded ${item.color ?? "bg-indigo-500"}`}
                      style={{ width: `${(item.count / max) * 100}%` }}
                    />
                  </div>
                </td>
                <td className="w-12 py-1 pl-3 text-right tabular-nums text-slate-900">{item.count}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </ScrollArea>
    </section>
  );
}

export function StatCard({ label, value, href, tone = "text-slate-900" }: { label: string; value: number; href: string; tone?: string }) {
  return (
    <Link
      href={href}
      className="block rounded-lg border border-slate-200 bg-white p-4 shadow-sm hover:border-indigo-300 hover:shadow"
    >
      <p className="text-xs font-medium uppercase tracking-wide text-slate-500">{label}</p>
      <p className={`mt-1 text-2xl font-semibold tabular-nums ${tone}`}>{value.toLocaleString("en-US")}</p>
    </Link>
  );
}
