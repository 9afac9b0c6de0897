/**
 * Chart labels that fit: a long label is cut at a word boundary and ends in
 * an ellipsis, never mid-word (rule ids and profile slugs break at `-`, `:`,
 * `.`, `_`, `/` or a space). The full label stays available to the caller
 * for a tooltip and the table view.
 */

/** Characters after which a label may be cut (the cut drops trailing ones). */
const BOUNDARY = /[\s\-:._/]/;
const ELLIPSIS = "…";

/**
 * `label` if it has at most `maxChars` characters, else its longest prefix
 * that ends at a word boundary and fits with "…" in `maxChars`. A first word
 * longer than that is cut where it must be (there is no better place).
 */
export function truncateLabel(label: string, maxChars: number): string {
  const chars = Array.from(label); // code points: never split a surrogate pair
  if (chars.length <= maxChars) return label;
  if (maxChars <= 1) return ELLIPSIS;
  const room = maxChars - 1; // one for the ellipsis
  // The last boundary at which the cut still leaves room for the ellipsis.
  let cut = -1;
  for (let i = room; i > 0; i--) {
    if (BOUNDARY.test(chars[i]!)) {
      cut = i;
      break;
    }
  }
  let head = cut > 0 ? chars.slice(0, cut) : chars.slice(0, room);
  // "deny-shell-" reads worse than "deny-shell": drop the separators the cut leaves behind.
  while (cut > 0 && head.length > 0 && BOUNDARY.test(head[head.length - 1]!)) head = head.slice(0, -1);
  if (head.length === 0) head = chars.slice(0, room);
  return `${head.join("")}${ELLIPSIS}`;
}
