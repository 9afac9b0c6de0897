/** "sha256:0123456789ab…" — enough of a hash to recognise it. */
export function shortHashOf(hash: string, length = 12): string {
  const [algo, hex] = hash.includes(":") ? hash.split(":", 2) as [string, string] : ["", hash];
  return `${algo ? `${algo}:` : ""}${hex.length > length ? `${hex.slice(0, length)}…` : hex}`;
}
