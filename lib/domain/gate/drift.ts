/**
 * Tool drift: what a host reports running against what the registry lists.
 * A `tool.allowed` event naming a tool the profile's registry entry does not
 * list, or with a schema hash other than the registered one, is drift; it
 * blocks the profile's risky jobs (anything but `job.<bridge>.read.…`) until
 * the registry lists the tool with that hash or the host reports the
 * registered hash again. Pure: the caller passes the stored reports and the
 * profile's registered tools.
 */

export interface RegisteredTool {
  name: string;
  schemaHash: string;
}

export interface ToolReport {
  tool: string;
  /** The schema hash the host reported (null: none reported). */
  reportedHash: string | null;
  detectedAt: Date;
}

export interface Drift {
  tool: string;
  reportedHash: string | null;
  registeredHash: string | null;
  detectedAt: Date;
  /** "not in the registry" or "schema hash sha256:… (registered sha256:…)". */
  why: string;
}

/** The rule id a job denied for drift on `tool` carries. */
export function driftRuleId(tool: string): string {
  return `drift:${tool}`;
}

/** Jobs a drifting profile may still run: reads (`job.<bridge>.read.…`). */
export function isRiskyTopic(topic: string): boolean {
  return !/^job\.[^.]+\.read(\.|$)/.test(topic);
}

/** The reports that are drift against the registry as it is now (a report the registry has caught up with is not). */
export function driftsInForce(registered: readonly RegisteredTool[], reports: readonly ToolReport[]): Drift[] {
  const byName = new Map(registered.map((t) => [t.name, t.schemaHash]));
  const out: Drift[] = [];
  for (const r of reports) {
    if (!byName.has(r.tool)) {
      out.push({ tool: r.tool, reportedHash: r.reportedHash, registeredHash: null, detectedAt: r.detectedAt, why: "not in the registry" });
      continue;
    }
    const registeredHash = byName.get(r.tool) || null;
    if (r.reportedHash && registeredHash && r.reportedHash !== registeredHash) {
      out.push({ tool: r.tool, reportedHash: r.reportedHash, registeredHash, detectedAt: r.detectedAt, why: `schema hash ${r.reportedHash} (registered ${registeredHash})` });
    }
  }
  return out.sort((a, b) => (a.tool < b.tool ? -1 : a.tool > b.tool ? 1 : 0));
}

/** Whether a report of `tool` with `hash` matches the registry (clears an earlier drift). */
export function reportMatches(registered: readonly RegisteredTool[], tool: string, hash: string | null): boolean {
  const found = registered.find((t) => t.name === tool);
  if (!found) return false;
  return !hash || !found.schemaHash || hash === found.schemaHash;
}
