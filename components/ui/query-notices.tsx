import { Notice } from "./section";

/**
 * What a filtered, paginated list page says about its address: parameters it
 * ignored, and a page number past the end (the list shows the last page).
 */
export function QueryNotices({ problems, requestedPage, page }: { problems: readonly string[]; requestedPage?: number; page?: number }) {
  return (
    <>
      {problems.length > 0 ? (
        <Notice title="Some parameters in the address were ignored">
          <ul className="list-disc pl-5">
            {problems.map((p) => (
              <li key={p}>{p}</li>
            ))}
          </ul>
        </Notice>
      ) : null}
      {page !== undefined && requestedPage !== undefined && page !== requestedPage ? <Notice title={`Page ${requestedPage} does not exist`}>Showing the last page, {page}.</Notice> : null}
    </>
  );
}

/** The search params exactly as received, as "?a=1&b=2" ("" when none): compared with a canonical form to redirect. */
export function receivedQueryString(raw: Record<string, string | string[] | undefined>): string {
  const params = new URLSearchParams();
  for (const [key, value] of Object.entries(raw)) {
    for (const v of Array.isArray(value) ? value : value === undefined ? [] : [value]) params.append(key, v);
  }
  const text = params.toString();
  return text ? `?${text}` : "";
}
