/** Deterministic, locale-free formatting for server-rendered pages. */
export function formatTime(value: Date | string | null | undefined): string {
  if (!value) return "—";
  const date = typeof value === "string" ? new Date(value) : value;
  return `${date.toISOString().slice(0, 16).replace("T", " ")} UTC`;
}

export function timeAgo(value: Date | null, now = new Date()): string {
  if (!value) return "never";
  const seconds = Math.round((now.getTime() - value.getTime()) / 1000);
  if (seconds < 0) return "just now";
  if (seconds < 60) return `${seconds}s ago`;
  const minutes = Math.round(seconds / 60);
  if (minutes < 60) return `${minutes} min ago`;
  const hours = Math.round(minutes / 60);
  if (hours < 48) return `${hours} h ago`;
  return `${Math.round(hours / 24)} days ago`;
}

export function shortHash(hash: string, length = 12): string {
  const bare = hash.startsWith("sha256:") ? hash.slice(7) : hash;
  return bare.length > length ? `${bare.slice(0, length)}…` : bare;
}
