/**
 * Policy evaluation benchmark (first half of npm run bench:policy): a
 * 200-rule platform policy (generated as YAML and parsed like a real one,
 * with topic globs incl. `**` and partial-segment `*`, risk tags, labels,
 * rings, tiers, profiles and every decision kind) plus the demo acme tenant
 * policy, compiled once, then 100,000 in-process evaluations over varied
 * inputs. Prints p50/p99/max per evaluation and evaluations per second, and
 * whether the p99 ≤ 2 ms target holds. Measures only; asserts nothing.
 *
 *   node --conditions=react-server --import tsx scripts/bench/policy.ts
 *   BENCH_EVALUATIONS=100000 (default) BENCH_RULES=200 (default)
 */
import { performance } from "node:perf_hooks";
import {
  compilePolicySet,
  DEMO_TENANT_POLICIES,
  evaluate,
  parsePolicy,
  type DecisionKind,
  type LoadedPolicy,
  type PolicyInput,
} from "../../lib/domain/policy";
import { TIERS } from "../../lib/domain/tiers";

const EVALUATIONS = Number(process.env.BENCH_EVALUATIONS ?? 100_000);
const RULES = Number(process.env.BENCH_RULES ?? 200);
const WARMUP = 5_000;
const TARGET_P99_MS = 2;

const BRIDGES = ["mcp-bridge", "ci", "warehouse", "chat", "sandbox", "crm", "erp", "mail"];
const VERBS = ["read", "write", "exec", "export"];
const TOOLS = ["update_ticket", "search_kb", "issue_refund", "run_build", "query_warehouse", "send_payment", "draft_email", "open_pr", "shell_exec", "write_report"];
const TAGS = ["pii", "money", "prod", "external", "bulk", "secrets"];
const PROFILES = Array.from({ length: 40 }, (_, i) => `acme-agent-${i}`);

/** Small deterministic PRNG (mulberry32) so every run sees the same policy and inputs. */
function rng(seed: number) {
  return () => {
    seed = (seed + 0x6d2b79f5) | 0;
    let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
const random = rng(42);
const pick = <T>(items: readonly T[]): T => items[Math.floor(random() * items.length)]!;
const some = <T>(items: readonly T[], n: number): T[] => [...new Set(Array.from({ length: n }, () => pick(items)))];

function topicGlob(): string {
  const shapes = [
    () => `job.${pick(BRIDGES)}.${pick(VERBS)}.${pick(TOOLS)}`,
    () => `job.*.${pick(VERBS)}.**`,
    () => `job.${pick(BRIDGES)}.**`,
    () => `job.**.${pick(TOOLS)}`,
    () => `job.*.${pick(VERBS)}.*${pick(TOOLS).split("_")[1] ?? "x"}*`,
    () => `job.${pick(BRIDGES)}.*.${pick(TOOLS).split("_")[0]}_*`,
  ];
  return pick(shapes)();
}

function ruleYaml(i: number): string {
  const decisions: DecisionKind[] = ["ALLOW", "ALLOW", "ALLOW", "ALLOW", "ALLOW_WITH_CONSTRAINTS", "ALLOW_WITH_CONSTRAINTS", "REQUIRE_APPROVAL", "REQUIRE_APPROVAL", "REQUIRE_APPROVAL", "DENY", "THROTTLE", "THROTTLE"];
  const decision = pick(decisions);
  const match: string[] = [`      topics: [${some([0, 1, 2], 1 + Math.floor(random() * 2)).map(() => `"${topicGlob()}"`).join(", ")}]`];
  if (random() < (decision === "DENY" ? 0.9 : 0.3)) match.push(`      riskTags: [${some(TAGS, 2).join(", ")}]`);
  if (random() < 0.2) match.push(`      labels: { env: ${pick(["prod", "staging", "dev"])} }`);
  if (random() < 0.25) match.push(`      rings: [${some([0, 1, 2, 3, 4, 5], 2).join(", ")}]`);
  if (random() < 0.25) match.push(`      tiers: [${some(TIERS, 2).join(", ")}]`);
  if (random() < 0.1) match.push(`      profiles: [${some(PROFILES, 3).join(", ")}]`);
  const extra =
    decision === "ALLOW_WITH_CONSTRAINTS" ? `    constraints: { maxRuntimeSec: ${60 * (1 + (i % 20))}, maxRetries: ${i % 4}, pathLimits: ["/srv/${i % 7}/"] }\n`
    : decision === "REQUIRE_APPROVAL" ? `    approvals: ${1 + (i % 3)}\n    ttlSec: ${600 * (1 + (i % 6))}\n`
    : decision === "THROTTLE" ? `    throttle: { limit: ${10 + i}, windowSec: 60, per: ${pick(["profile", "tenant", "platform"])} }\n`
    : "";
  return `  - id: rule-${i}\n    match:\n${match.join("\n")}\n    decision: ${decision}\n${extra}    reason: generated rule ${i} says ${decision}\n`;
}

function load(text: string): LoadedPolicy {
  const parsed = parsePolicy(text);
  if (!parsed.ok) throw new Error(parsed.problems.map((p) => `${p.line}: ${p.path}: ${p.message}`).join("\n"));
  return { document: parsed.document, hash: parsed.hash };
}

function input(): PolicyInput {
  const tags = random() < 0.4 ? some(TAGS, 1 + Math.floor(random() * 3)) : [];
  const labels: Record<string, string> = random() < 0.5 ? { env: pick(["prod", "staging", "dev"]), requester: "someone@acme.demo" } : {};
  return {
    topic: `job.${pick(BRIDGES)}.${pick(VERBS)}.${pick(TOOLS)}`,
    tenant: "acme",
    profile: pick(PROFILES),
    riskTags: tags,
    labels,
    ring: Math.floor(random() * 6),
    tier: pick(TIERS),
  };
}

function quantile(sorted: Float64Array, q: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))]!;
}

function fmt(ms: number): string {
  return ms < 1 ? `${(ms * 1000).toFixed(1)} µs` : `${ms.toFixed(2)} ms`;
}

function main(): void {
  const text = `apiVersion: cellgate/v1\nkind: Policy\nlevel: platform\ndefault: REQUIRE_APPROVAL\nrules:\n${Array.from({ length: RULES }, (_, i) => ruleYaml(i)).join("")}`;
  const parseStart = performance.now();
  const platform = load(text);
  const parseMs = performance.now() - parseStart;
  const tenant = load(DEMO_TENANT_POLICIES.acme!);
  const compileStart = performance.now();
  const compiled = compilePolicySet({ platform, tenant, profile: null });
  const compileMs = performance.now() - compileStart;

  const inputs = Array.from({ length: 4096 }, input);
  const counts = new Map<DecisionKind, number>();
  for (let i = 0; i < WARMUP; i += 1) evaluate(compiled, inputs[i % inputs.length]!);

  const times = new Float64Array(EVALUATIONS);
  const wallStart = performance.now();
  for (let i = 0; i < EVALUATIONS; i += 1) {
    const started = performance.now();
    const evaluation = evaluate(compiled, inputs[i % inputs.length]!);
    times[i] = performance.now() - started;
    counts.set(evaluation.decision, (counts.get(evaluation.decision) ?? 0) + 1);
  }
  const wallMs = performance.now() - wallStart;
  times.sort();
  const p99 = quantile(times, 0.99);

  console.log(`policy evaluation: ${platform.document.rules.length}-rule platform policy + ${tenant.document.rules.length}-rule tenant policy`);
  console.log(`  parse ${fmt(parseMs)} (${text.split("\n").length} lines), compile ${fmt(compileMs)}`);
  console.log(`  evaluations      ${EVALUATIONS.toLocaleString("en-US")} in ${wallMs.toFixed(0)} ms`);
  console.log(`  p50              ${fmt(quantile(times, 0.5))}`);
  console.log(`  p99              ${fmt(p99)}`);
  console.log(`  max              ${fmt(times[times.length - 1]!)}`);
  console.log(`  evaluations/s    ${Math.round(EVALUATIONS / (wallMs / 1000)).toLocaleString("en-US")}`);
  console.log(`  decisions        ${[...counts].sort().map(([d, n]) => `${d} ${n}`).join(", ")}`);
  console.log(`  target p99 ≤ ${TARGET_P99_MS} ms: ${p99 <= TARGET_P99_MS ? "met" : "NOT met"}`);
}

main();
