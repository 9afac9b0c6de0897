/**
 * The demo fleet (used by lib/server/demo-seed.ts): a registry manifest for
 * three tenants plus what a manifest does not carry: the health each
 * profile's host will have reported, the canary stage its story aims for
 * (the gate decides where it lands: lib/server/canary/demo.ts) and its
 * tier-control attestations. Deterministic apart from the host keys, which the
 * caller generates and passes in.
 */
import { sha256Hex } from "../hash";
import { requiredControls, type CanaryStageName, type ControlName, type HealthState, type TierName } from "../tiers";
import type { HostSpec, Manifest, ProfileSpec } from "./manifest-schema";

export const DEMO_TENANTS = [
  { slug: "acme", name: "Acme Corp" },
  { slug: "globex", name: "Globex" },
  { slug: "initech", name: "Initech" },
] as const;

// name | owner | ring | tier | tools | egress
const FLEET: Record<(typeof DEMO_TENANTS)[number]["slug"], string[]> = {
  acme: [
    "ticket-triage|support-eng|2|L2|read_ticket,update_ticket,search_kb|tickets.internal:443,kb.internal:443",
    "refund-approver|payments-ops|2|L4|read_order,issue_refund|payments.internal:443",
    "control-plane-operator|platform-team|0|L3|read_fleet,drain_host|fleet.internal:443",
    "chat-concierge|cx-platform|1|L2|search_kb,create_ticket|kb.internal:443",
    "kb-summarizer|knowledge-team|2|L1|search_kb,write_summary|kb.internal:443",
    "email-drafter|cx-platform|1|L1|read_ticket,draft_email|mail.internal:587",
    "code-review-bot|dev-productivity|3|L2|read_repo,comment_pr|git.acme.internal:443",
    "dependency-updater|dev-productivity|3|L1|read_repo,open_pr|git.acme.internal:443,registry.npmjs.org:443",
    "sandbox-runner|security-eng|4|L3|exec_sandboxed|",
    "web-widget-assistant|web-team|5|L4|search_kb,create_ticket|kb.internal:443",
    "invoice-reader|finance-eng|2|L5|read_invoice,extract_fields|docs.internal:443",
    "churn-analyst|data-science|2|L0|query_warehouse|warehouse.internal:5432",
    "oncall-paging-agent|sre|0|L3|read_alerts,page_oncall|alerts.internal:443,events.pagerduty.com:443",
    "log-scrubber|security-eng|4|L2|read_logs,redact_record|logs.internal:443",
    "sales-notes|revenue-ops|1|L0|read_crm,write_note|crm.internal:443",
    "partner-portal-bot|partner-eng|5|L5|read_contract,answer_partner|portal.acme.example:443",
  ],
  globex: [
    "build-runner|build-infra|3|L2|checkout,run_build,publish_artifact|git.globex.internal:443,artifacts.globex.internal:443",
    "test-flake-hunter|build-infra|3|L1|read_test_results,open_issue|ci.globex.internal:443",
    "release-notes-writer|release-eng|2|L1|read_commits,write_doc|git.globex.internal:443",
    "supply-chain-scanner|security|4|L3|scan_image,open_issue|artifacts.globex.internal:443",
    "plant-telemetry-analyst|ops-analytics|2|L4|query_timeseries|telemetry.globex.internal:443",
    "maintenance-scheduler|plant-ops|1|L3|read_work_orders,schedule_job|cmms.globex.internal:443",
    "procurement-assistant|procurement|1|L2|read_catalog,draft_po|erp.globex.internal:443",
    "customer-quote-bot|sales-eng|5|L4|read_price_book,draft_quote|erp.globex.internal:443",
    "cad-diff-explainer|design-tools|3|L0|read_cad_diff|plm.globex.internal:443",
    "incident-commander|sre|0|L4|read_alerts,page_oncall,post_status|alerts.globex.internal:443",
    "safety-report-drafter|ehs|2|L5|read_incidents,write_doc|ehs.globex.internal:443",
    "shell-sandbox|research|4|L0|exec_sandboxed|",
    "docs-translator|docs|2|L1|read_doc,write_doc|docs.globex.internal:443",
    "inventory-reconciler|supply-ops|2|L3|read_inventory,adjust_count|erp.globex.internal:443",
    "public-faq-bot|web|5|L2|search_faq|faq.globex.example:443",
  ],
  initech: [
    "report-writer|tps-reports|2|L2|query_warehouse,write_report|warehouse.initech.internal:5432",
    "claims-triage|claims|2|L4|read_claim,route_claim|claims.initech.internal:443",
    "fraud-screener|risk|2|L5|read_claim,score_risk|risk.initech.internal:443",
    "policy-qa|underwriting|1|L3|search_policy|policies.initech.internal:443",
    "ledger-reconciler|finance-ops|2|L5|read_ledger,propose_adjustment|ledger.initech.internal:443",
    "hr-helpdesk|people-ops|1|L1|search_handbook,create_case|hr.initech.internal:443",
    "code-migrator|platform|3|L1|read_repo,open_pr|git.initech.internal:443",
    "notebook-runner|data-science|4|L2|exec_sandboxed|warehouse.initech.internal:5432",
    "audit-prep|compliance|0|L4|read_controls,export_evidence|grc.initech.internal:443",
    "customer-chat|cx|5|L3|search_policy,create_case|policies.initech.internal:443",
    "printer-fixer|it-ops|0|L0|read_tickets|helpdesk.initech.internal:443",
    "meeting-summarizer|it-ops|1|L0|read_transcript,write_summary|calendar.initech.internal:443",
    "vendor-risk-reviewer|procurement|2|L3|read_vendor,score_risk|grc.initech.internal:443",
  ],
};

const HEALTH: HealthState[] = ["healthy", "healthy", "degraded", "healthy", "down", "unknown", "healthy"];
const STAGES: CanaryStageName[] = ["promoted", "limited", "read_only", "promoted", "deploy_only", "rolled_back", "limited"];

export interface DemoProfileExtras {
  slug: string;
  /** What the profile's host reports (its heartbeats give it; "unknown": the host never reported). */
  health: HealthState;
  /** The stage the demo's story takes it towards through the gate; where it lands is the gate's verdict. */
  targetStage: CanaryStageName;
  /** Controls with evidence: all the tier requires, or (for some) a few short. */
  controls: ControlName[];
}

export interface DemoHostKey {
  id: string;
  publicKey: string;
}

const NAMED_HOSTS: { id: string; profiles: string[]; keys: number }[] = [
  { id: "acme-sandbox-01", profiles: ["acme-ticket-triage"], keys: 1 },
  { id: "acme-sandbox-02", profiles: ["acme-chat-concierge", "acme-kb-summarizer", "acme-email-drafter"], keys: 1 },
  { id: "acme-exec-01", profiles: ["acme-sandbox-runner", "acme-log-scrubber"], keys: 1 },
  { id: "globex-build-01", profiles: ["globex-build-runner", "globex-test-flake-hunter"], keys: 2 },
  { id: "globex-plant-01", profiles: ["globex-plant-telemetry-analyst", "globex-maintenance-scheduler"], keys: 1 },
  { id: "initech-batch-01", profiles: ["initech-report-writer", "initech-ledger-reconciler", "initech-fraud-screener"], keys: 1 },
];

/** Profiles per fleet host for the profiles no named host runs. */
const FLEET_HOST_SIZE = 6;

/**
 * Every demo host: the named ones above, then `<tenant>-fleet-NN` hosts
 * running the rest of each tenant's profiles, so every profile has a host
 * and its health, unit state and last heartbeat come from what that host
 * reported (lib/domain/evidence/demo-events.ts).
 */
export const DEMO_HOSTS: { id: string; profiles: string[]; keys: number }[] = (() => {
  const named = new Set(NAMED_HOSTS.flatMap((h) => h.profiles));
  const fleet = DEMO_TENANTS.flatMap(({ slug: tenant }) => {
    const rest = FLEET[tenant].map((line) => `${tenant}-${line.split("|")[0]}`).filter((slug) => !named.has(slug));
    return Array.from({ length: Math.ceil(rest.length / FLEET_HOST_SIZE) }, (_, n) => ({
      id: `${tenant}-fleet-${String(n + 1).padStart(2, "0")}`,
      profiles: rest.slice(n * FLEET_HOST_SIZE, (n + 1) * FLEET_HOST_SIZE),
      keys: 1,
    }));
  });
  return [...NAMED_HOSTS, ...fleet];
})();

const digest = (text: string) => `sha256:${sha256Hex(text)}`;

/**
 * Monthly budgets (USD) for the cost dashboard's burn-down and alerts, sized
 * against the demo activity (lib/domain/dashboards/demo-activity.ts): its
 * runaway profile spends about $33 in the hours before the seed, past its own
 * budget and past 80 % of acme's; globex stays well under. Initech has none.
 */
const DEMO_TENANT_BUDGETS: Record<string, number> = { acme: 40, globex: 10 };
const DEMO_PROFILE_BUDGETS: Record<string, number> = { "acme-ticket-triage": 25, "globex-build-runner": 5 };

function budgetOf(monthlyUsd: number | undefined): { budget?: { monthlyUsd: number } } {
  return monthlyUsd === undefined ? {} : { budget: { monthlyUsd } };
}

export function demoProfiles(): { spec: ProfileSpec; extras: DemoProfileExtras }[] {
  const out: { spec: ProfileSpec; extras: DemoProfileExtras }[] = [];
  let i = 0;
  for (const { slug: tenant } of DEMO_TENANTS) {
    for (const line of FLEET[tenant]) {
      const [name = "", owner = "", ring = "0", tier = "L0", tools = "", egress = ""] = line.split("|");
      const slug = `${tenant}-${name}`;
      const tierName = tier as TierName;
      const toolNames = tools.split(",").filter(Boolean);
      const denied = Number(ring) >= 4 ? ["network_raw", "mount_host_fs"] : ["shell_exec", "send_payment", "delete_repo"];
      const spec: ProfileSpec = {
        slug,
        tenant,
        owner,
        ring: Number(ring),
        tier: tierName,
        unit: `agent-${name}.service`,
        artifactDigest: digest(`${slug}:artifact:v7`),
        rollbackTarget: { endpoint: `https://deploy.${tenant}.internal/rollback/${name}`, manifestDigest: digest(`${slug}:manifest:v6`) },
        evidencePath: `evidence/${tenant}/${name}/`,
        tools: toolNames.map((t) => ({ name: t, schemaHash: digest(`${t}:schema:v1`) })),
        deniedTools: denied.filter((d) => !toolNames.includes(d)),
        egress: egress.split(",").filter(Boolean),
        secrets: tierName === "L0" ? [] : [`secret://vault/${tenant}/${name}/api-token`],
        ...budgetOf(DEMO_PROFILE_BUDGETS[slug]),
      };
      const health = HEALTH[i % HEALTH.length]!;
      const required = requiredControls(tierName);
      const short = i % 3 === 1 ? Math.min(required.length - 1, 1 + (i % 4)) : 0;
      out.push({
        spec,
        extras: {
          slug,
          health,
          targetStage: STAGES[(i * 3) % STAGES.length]!,
          controls: required.slice(0, required.length - short),
        },
      });
      i += 1;
    }
  }
  return out;
}

/** The demo manifest; `keys(hostId, n)` supplies n fresh public keys per host. */
export function demoManifest(keys: (hostId: string, count: number) => DemoHostKey[]): Manifest {
  const hosts: HostSpec[] = DEMO_HOSTS.map((h) => ({
    id: h.id,
    profiles: h.profiles,
    keys: keys(h.id, h.keys).map((k) => ({ ...k, status: "active" as const })),
  }));
  return {
    apiVersion: "cellgate/v1",
    kind: "Registry",
    tenants: DEMO_TENANTS.map((t) => ({ ...t, ...budgetOf(DEMO_TENANT_BUDGETS[t.slug]) })),
    profiles: demoProfiles().map((p) => p.spec),
    hosts,
  };
}

export const DEMO_ROLES = ["viewer", "operator", "approver", "auditor", "tenant_admin"] as const;

export function demoEmail(role: (typeof DEMO_ROLES)[number], tenant: string): string {
  return `${role.replace("_", "-")}@${tenant}.demo`;
}
