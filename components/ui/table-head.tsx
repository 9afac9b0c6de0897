/**
 * The header row of a plain data table: column labels only (sortable headers
 * live with the registry table). "inline" sits inside a card section,
 * "boxed" fills a bordered table of its own.
 */
const CELL = {
  inline: "py-1.5 pr-3 font-medium last:pr-0",
  boxed: "px-3 py-2 font-medium",
} as const;

export function TableHead({
  columns,
  variant = "inline",
  className = "",
}: {
  columns: readonly string[];
  variant?: keyof typeof CELL;
  className?: string;
}) {
  return (
    <thead className={`text-xs uppercase tracking-wide text-slate-500 ${className}`.trim()}>
      <tr>
        {columns.map((label) => (
          <th key={label} scope="col" className={CELL[variant]}>
            {label}
          </th>
        ))}
      </tr>
    </thead>
  );
}
