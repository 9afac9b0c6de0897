/**
 * Demo policies seeded with the demo data: one platform policy and one per
 * demo tenant (acme, globex, initech). Topics follow
 * `job.<bridge>.<read|write|exec|export>.<tool>`, e.g.
 * `job.mcp-bridge.write.update_ticket`. Each carries tests that pass, and no
 * tenant policy widens the platform one (lib/domain/policy/demo-policies.test.ts).
 */

export const DEMO_PLATFORM_POLICY = `apiVersion: cellgate/v1
kind: Policy
level: platform
# Anything no rule below matches waits for a human.
default: REQUIRE_APPROVAL
rules:
  - id: reads-allowed
    description: Read-only tool calls run without a human in the loop.
    match:
      topics: ["job.*.read.**"]
    decision: ALLOW
    reason: read-only jobs are allowed
  # The more specific rule first: among equally strict rules the first match gives the reason.
  - id: money-needs-two-approvers
    match:
      topics: ["job.*.write.issue_refund", "job.*.write.*payment*"]
    decision: REQUIRE_APPROVAL
    approvals: 2
    ttlSec: 1800
    reason: moving money needs two approvers
  - id: writes-need-approval
    match:
      topics: ["job.*.write.**"]
    decision: REQUIRE_APPROVAL
    ttlSec: 3600
    reason: writes need a human approval
  - id: no-host-escape
    match:
      topics: ["job.**.shell_exec", "job.**.network_raw", "job.**.mount_host_fs"]
    decision: DENY
    reason: raw shell, raw network and host mounts are never allowed
  - id: no-pii-export
    match:
      topics: ["job.*.export.**"]
      riskTags: ["pii"]
    decision: DENY
    reason: exporting personal data is denied on every tenant
  - id: sandboxed-exec
    match:
      topics: ["job.*.exec.**"]
      rings: [4]
    decision: ALLOW_WITH_CONSTRAINTS
    constraints:
      maxRuntimeSec: 900
      maxRetries: 1
      egressProfile: none
      pathLimits: ["/sandbox/"]
    reason: sandboxed execution in ring 4 runs with limits
  - id: write-burst
    match:
      topics: ["job.*.write.**"]
    decision: THROTTLE
    throttle: { limit: 20, windowSec: 60, per: profile }
    reason: at most 20 write jobs a minute per profile
tests:
  - name: a read is allowed
    input: { topic: job.mcp-bridge.read.search_kb }
    expect: { decision: ALLOW }
  - name: a ticket update waits for approval
    input: { topic: job.mcp-bridge.write.update_ticket }
    expect: { decision: REQUIRE_APPROVAL, reason_contains: human approval }
  - name: a refund needs two approvers
    input: { topic: job.mcp-bridge.write.issue_refund, tier: L4 }
    expect: { decision: REQUIRE_APPROVAL, reason_contains: two approvers }
  - name: a raw shell is denied even dressed as a read
    input: { topic: job.mcp-bridge.read.shell_exec }
    expect: { decision: DENY, reason_contains: never allowed }
  - name: exporting personal data is denied
    input: { topic: job.warehouse.export.customers, riskTags: [pii] }
    expect: { decision: DENY, reason_contains: personal data }
  - name: an export without personal data falls to the default
    input: { topic: job.warehouse.export.metrics }
    expect: { decision: REQUIRE_APPROVAL, reason_contains: default }
  - name: sandboxed exec in ring 4 runs with constraints
    input: { topic: job.sandbox.exec.run_notebook, ring: 4 }
    expect: { decision: ALLOW_WITH_CONSTRAINTS }
  - name: exec outside ring 4 falls to the default
    input: { topic: job.sandbox.exec.run_notebook, ring: 2 }
    expect: { decision: REQUIRE_APPROVAL, reason_contains: default }
`;

const ACME = `apiVersion: cellgate/v1
kind: Policy
level: tenant
tenant: acme
rules:
  - id: kb-search-time-boxed
    match:
      topics: ["job.*.read.search_kb"]
    decision: ALLOW_WITH_CONSTRAINTS
    constraints: { maxRuntimeSec: 120, maxRetries: 2 }
    reason: knowledge-base searches are time-boxed at acme
  - id: production-tickets-two-approvers
    match:
      topics: ["job.*.write.*_ticket"]
      labels: { environment: production }
    decision: REQUIRE_APPROVAL
    approvals: 2
    reason: production ticket changes need two approvers at acme
  - id: no-bulk-close
    match:
      topics: ["job.*.write.close_ticket"]
      labels: { bulk: "true" }
    decision: DENY
    reason: acme agents may not close tickets in bulk
tests:
  - name: a knowledge-base search runs time-boxed
    input: { topic: job.mcp-bridge.read.search_kb, profile: acme-ticket-triage, ring: 2, tier: L2 }
    expect: { decision: ALLOW_WITH_CONSTRAINTS, reason_contains: time-boxed }
  - name: a ticket update waits for approval
    input: { topic: job.mcp-bridge.write.update_ticket, profile: acme-ticket-triage, ring: 2, tier: L2 }
    expect: { decision: REQUIRE_APPROVAL }
  - name: a production ticket update waits for approval too
    input: { topic: job.mcp-bridge.write.update_ticket, profile: acme-ticket-triage, labels: { environment: production } }
    expect: { decision: REQUIRE_APPROVAL }
  - name: closing tickets in bulk is denied
    input: { topic: job.mcp-bridge.write.close_ticket, profile: acme-ticket-triage, labels: { bulk: "true" } }
    expect: { decision: DENY, reason_contains: in bulk }
`;

const GLOBEX = `apiVersion: cellgate/v1
kind: Policy
level: tenant
tenant: globex
rules:
  - id: publish-needs-two-approvers
    match:
      topics: ["job.*.write.publish_artifact"]
    decision: REQUIRE_APPROVAL
    approvals: 2
    ttlSec: 900
    reason: publishing an artifact needs two approvers at globex
  - id: telemetry-queries-time-boxed
    match:
      topics: ["job.*.read.query_timeseries"]
    decision: ALLOW_WITH_CONSTRAINTS
    constraints: { maxRuntimeSec: 300, maxRetries: 2, egressProfile: telemetry-only }
    reason: telemetry queries are time-boxed at globex
  - id: change-freeze
    match:
      topics: ["job.*.write.**"]
      labels: { change-freeze: "true" }
    decision: DENY
    reason: globex is in a change freeze
tests:
  - name: a build checkout is a plain read
    input: { topic: job.ci.read.checkout, profile: globex-build-runner, ring: 3, tier: L2 }
    expect: { decision: ALLOW }
  - name: publishing an artifact waits for approval
    input: { topic: job.ci.write.publish_artifact, profile: globex-build-runner, ring: 3, tier: L2 }
    expect: { decision: REQUIRE_APPROVAL }
  - name: telemetry queries run with constraints
    input: { topic: job.ts.read.query_timeseries, profile: globex-plant-telemetry-analyst, tier: L4 }
    expect: { decision: ALLOW_WITH_CONSTRAINTS, reason_contains: time-boxed }
  - name: writes are denied during a change freeze
    input: { topic: job.ci.write.run_build, profile: globex-build-runner, labels: { change-freeze: "true" } }
    expect: { decision: DENY, reason_contains: change freeze }
`;

const INITECH = `apiVersion: cellgate/v1
kind: Policy
level: tenant
tenant: initech
rules:
  - id: ledger-adjustments-two-approvers
    match:
      topics: ["job.*.write.propose_adjustment"]
    decision: REQUIRE_APPROVAL
    approvals: 2
    reason: ledger adjustments need two approvers at initech
  - id: public-agents-read-only
    match:
      topics: ["job.*.write.**"]
      rings: [5]
    decision: DENY
    reason: public-facing agents (ring 5) may not write at initech
  - id: report-queries-constrained
    match:
      topics: ["job.*.read.query_warehouse"]
      profiles: [initech-report-writer]
    decision: ALLOW_WITH_CONSTRAINTS
    constraints: { maxRuntimeSec: 600, egressProfile: warehouse-only }
    reason: report queries stay on the warehouse at initech
tests:
  - name: a report query runs with constraints
    input: { topic: job.warehouse.read.query_warehouse, profile: initech-report-writer, ring: 2, tier: L2 }
    expect: { decision: ALLOW_WITH_CONSTRAINTS, reason_contains: warehouse }
  - name: writing a report waits for approval
    input: { topic: job.warehouse.write.write_report, profile: initech-report-writer, ring: 2, tier: L2 }
    expect: { decision: REQUIRE_APPROVAL }
  - name: a public-facing agent may not write
    input: { topic: job.chat.write.create_case, profile: initech-customer-chat, ring: 5, tier: L3 }
    expect: { decision: DENY, reason_contains: ring 5 }
`;

export const DEMO_TENANT_POLICIES: Record<string, string> = { acme: ACME, globex: GLOBEX, initech: INITECH };
