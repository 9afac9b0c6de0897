import Link from "next/link";

/** Previous / "Page X of Y" / Next as real links (disabled ends are plain text). */
export function Pagination({
  page,
  pageCount,
  total,
  noun,
  hrefFor,
}: {
  page: number;
  pageCount: number;
  total: number;
  noun: string;
  hrefFor: (page: number) => string;
}) {
  const link = "inline-flex min-h-11 items-center rounded-md border border-slate-300 bg-white px-3 py-1.5 lg:min-h-0 text-sm font-medium text-slate-700 hover:bg-slate-50";
  const disabled = "inline-flex min-h-11 items-center rounded-md border border-slate-200 px-3 py-1.5 lg:min-h-0 text-sm text-slate-500";
  return (
    <nav aria-label="Pagination" className="mt-3 flex flex-wrap items-center justify-between gap-3 text-sm text-slate-600">
      <p>
        {total.toLocaleString("en-US")} {total === 1 ? noun : `${noun}s`}
      </p>
      <div className="flex items-center gap-3">
        {page > 1 ? (
          <Link href={hrefFor(page - 1)} className={link} rel="prev">
            Previous
          </Link>
        ) : (
          <span className={disabled} aria-disabled="true">
            Previous
          </span>
        )}
        <span aria-current="page">
          Page {page} of {pageCount}
        </span>
        {page < pageCount ? (
          <Link href={hrefFor(page + 1)} className={link} rel="next">
            Next
          </Link>
        ) : (
          <span className={disabled} aria-disabled="true">
            Next
          </span>
        )}
      </div>
    </nav>
  );
}
