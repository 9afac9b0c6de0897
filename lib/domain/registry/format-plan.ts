/**
 * Human-readable plan lines, e.g.
 *   + profile acme-new-bot (tenant acme)
 *   ~ profile acme-ticket-triage: tier L1 → L2, egress +tickets.internal:443
 *   = 38 profiles unchanged
 *   - key sandbox-01-2026-05 (revoked)
 */
import type { Change, FieldDiff, RegistryPlan } from "./plan-types";

export function formatPlan(plan: RegistryPlan): string[] {
  const lines = plan.changes.map(formatChange);
  const { unchanged, kept } = plan;
  const counts: [number, string, string][] = [
    [unchanged.tenants.length, "tenant", "tenants"],
    [unchanged.profiles.length, "profile", "profiles"],
    [unchanged.hosts.length, "host", "hosts"],
    [unchanged.keys.length, "key", "keys"],
  ];
  for (const [n, one, many] of counts) if (n > 0) lines.push(`= ${n} ${n === 1 ? one : many} unchanged`);
  for (const slug of kept.profiles) lines.push(`  profile ${slug}: not in manifest (kept)`);
  for (const id of kept.keys) lines.push(`  key ${id}: not in manifest (kept)`);
  for (const problem of plan.problems) lines.push(`! ${problem}`);
  if (plan.changes.length === 0 && plan.problems.length === 0) lines.push("No changes.");
  return lines;
}

export function formatChange(change: Change): string {
  switch (change.op) {
    case "create-tenant":
      return `+ tenant ${change.tenant.slug} (${change.tenant.name})`;
    case "update-tenant":
      return `~ tenant ${change.slug}: ${change.diffs.map(formatDiff).join(", ")}`;
    case "create-profile":
      return `+ profile ${change.profile.slug} (tenant ${change.profile.tenant})`;
    case "update-profile":
      return `~ profile ${change.slug}: ${change.diffs.map(formatDiff).join(", ")}`;
    case "create-host":
      return `+ host ${change.hostId}`;
    case "bind":
      return `+ binding ${change.hostId} → ${change.profile}`;
    case "unbind":
      return `- binding ${change.hostId} → ${change.profile}`;
    case "add-key":
      return `+ key ${change.keyId} (host ${change.hostId}${change.status === "revoked" ? ", recorded as revoked" : ""})`;
    case "revoke-key":
      return `- key ${change.keyId} (revoked: ${change.reason})`;
  }
}

export function formatDiff(diff: FieldDiff): string {
  if (diff.kind === "set") return `${diff.field} ${shorten(diff.from)} → ${shorten(diff.to)}`;
  const parts = [
    ...diff.added.map((x) => `+${x}`),
    ...diff.removed.map((x) => `-${x}`),
    ...(diff.changed ?? []).map((x) => `~${x} (schema)`),
  ];
  return `${diff.field} ${parts.join(" ")}`;
}

function shorten(value: string): string {
  return /^sha256:[0-9a-f]{64}$/.test(value) ? `${value.slice(0, 19)}…` : value;
}

/** Counts for receipts and the apply summary. */
export function summarizePlan(plan: RegistryPlan): Record<string, number> {
  const summary: Record<string, number> = {};
  for (const change of plan.changes) summary[change.op] = (summary[change.op] ?? 0) + 1;
  summary.unchanged = plan.unchanged.tenants.length + plan.unchanged.profiles.length + plan.unchanged.hosts.length + plan.unchanged.keys.length;
  return summary;
}
