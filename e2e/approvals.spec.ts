/**
 * The approver's journey in a browser: the queue, the job page with the exact
 * hashed payload, approve and deny with a note; and that a viewer or another
 * tenant's approver can neither see nor act on the job. Jobs are written
 * straight into the e2e database (tests/support/job-factory.ts).
 */
import { randomBytes } from "node:crypto";
import type { PrismaClient } from "../lib/generated/prisma/client";
import { createJob } from "../tests/support/job-factory";
import { withDb } from "./support/db";
import { expect, test } from "./support/fixtures";

async function acmeJobs(prisma: PrismaClient, topicRoot: string, count: number) {
  const tenant = await prisma.tenant.findUniqueOrThrow({ where: { slug: "acme" } });
  const profile = await prisma.profile.findUniqueOrThrow({ where: { slug: "acme-ticket-triage" } });
  const jobs = [];
  for (let i = 0; i < count; i++) {
    jobs.push(
      await createJob(prisma, {
        tenant,
        profile,
        topic: `${topicRoot}.write.update_ticket_${i}`,
        riskTags: ["writes"],
        labels: { ticket: `T-${i}` },
        payload: { ticket: `T-${i}`, set: { priority: "high", note: `e2e ${topicRoot}` } },
        createdAt: new Date(Date.now() - (count - i) * 60_000),
      }),
    );
  }
  return jobs;
}

/** A second acme approver with the demo password (copied hash: same password, no hashing here). */
async function secondAcmeApprover(prisma: PrismaClient): Promise<string> {
  const first = await prisma.user.findUniqueOrThrow({ where: { email: "approver@acme.demo" }, include: { memberships: true } });
  const email = `approver-${randomBytes(3).toString("hex")}@acme.demo`;
  await prisma.user.create({
    data: {
      email,
      name: "Second Acme Approver",
      passwordHash: first.passwordHash,
      memberships: { create: { tenantId: first.memberships[0]!.tenantId, role: "approver" } },
    },
  });
  return email;
}

const topicRoot = () => `job.e2e_${randomBytes(4).toString("hex")}`;

test("an approver approves one job and another approver denies another, from the queue", async ({ pageAs }) => {
  const root = topicRoot();
  const [jobs, secondEmail] = await withDb(async (prisma) => [await acmeJobs(prisma, root, 2), await secondAcmeApprover(prisma)] as const);
  const [first, second] = jobs;

  const page = await pageAs("approver@acme.demo");
  await page.goto(`/approvals?topic=${root}`);
  const rows = page.locator("tbody tr");
  await expect(rows).toHaveCount(2);
  // Oldest first.
  await expect(rows.nth(0)).toHaveAttribute("data-job-id", first!.id);
  await page.getByRole("link", { name: first!.topic }).click();
  await expect(page.getByRole("heading", { level: 1, name: first!.topic })).toBeVisible();
  await expect(page.getByTestId("job-hash")).toHaveText(first!.jobHash);
  const shown = await page.getByTestId("job-canonical").innerText();
  expect(shown.replace(/\s+/g, "")).toBe(first!.canonical.replace(/\s+/g, ""));
  await expect(page.getByTestId("job-canonical")).toContainText('"priority": "high"');

  // The note is required: the browser keeps the form until one is written.
  await page.getByLabel("Note (required)").fill("Ticket checked with the customer.");
  await page.getByRole("button", { name: "Approve", exact: true }).click();
  await expect(page.getByTestId("job-status")).toHaveText("Approved");
  await expect(page.getByRole("list", { name: "Votes" })).toContainText("approver@acme.demo");

  const other = await pageAs(secondEmail);
  await other.goto(`/approvals?topic=${root}`);
  await expect(other.locator("tbody tr")).toHaveCount(1);
  await other.getByRole("link", { name: second!.topic }).click();
  await other.getByLabel("Note (required)").fill("Wrong customer on this ticket.");
  await other.getByRole("button", { name: "Deny", exact: true }).click();
  await expect(other.getByTestId("job-status")).toHaveText("Denied");

  await other.goto(`/approvals?view=history&topic=${root}`);
  await expect(other.locator("tbody tr")).toHaveCount(2);
  await expect(other.locator(`tr[data-job-id="${first!.id}"]`)).toContainText("Approved");
  await expect(other.locator(`tr[data-job-id="${second!.id}"]`)).toContainText("Denied");

  const stored = await withDb((prisma) =>
    prisma.job.findMany({ where: { id: { in: [first!.id, second!.id] } }, include: { votes: true }, omit: { requesterIds: true } }),
  );
  const byId = new Map(stored.map((j) => [j.id, j]));
  expect(byId.get(first!.id)).toMatchObject({ status: "APPROVED", votes: [{ vote: "approve", seenHash: first!.jobHash }] });
  expect(byId.get(second!.id)).toMatchObject({ status: "REJECTED", votes: [{ vote: "deny", note: "Wrong customer on this ticket." }] });
  const receipts = await withDb((prisma) =>
    prisma.receipt.count({ where: { action: "job.vote", scopeId: { in: [first!.id, second!.id] } } }),
  );
  expect(receipts).toBe(2);
});

test("after approving, the job page says who approved it when, with its receipt and audit entry; admins are told why they cannot vote", async ({
  pageAs,
}) => {
  const root = topicRoot();
  const [approved, waiting] = await withDb((prisma) => acmeJobs(prisma, root, 2));
  const TIME = String.raw`\d{4}-\d\d-\d\d \d\d:\d\d UTC`;

  const page = await pageAs("approver@acme.demo");
  await page.goto(`/approvals/${approved!.id}`);
  await page.getByLabel("Note (required)").fill("Customer confirmed the priority.");
  await page.getByRole("button", { name: "Approve", exact: true }).click();
  const yours = page.getByTestId("your-vote");
  await expect(yours).toHaveText(new RegExp(`^You approved this job at ${TIME} — receipt rcpt_\\S+ \\(audit #\\d+\\)\\. The job is approved\\.$`));
  const vote = await withDb((prisma) => prisma.jobVote.findFirstOrThrow({ where: { jobId: approved!.id } }));
  const receipt = await withDb((prisma) => prisma.receipt.findUniqueOrThrow({ where: { id: vote.receiptId } }));
  await expect(yours).toContainText(`receipt ${receipt.id} (audit #${receipt.auditSeq})`);
  await expect(yours.getByRole("link", { name: receipt.id })).toHaveAttribute("href", `/receipts/${receipt.id}`);
  // An approver does not read the audit log, so "audit #N" is no link to a page that would answer 404.
  await expect(yours.getByRole("link", { name: `audit #${receipt.auditSeq}` })).toHaveCount(0);
  await expect(page.getByTestId("job-status")).toHaveText("Approved");
  // The decision record says what became of REQUIRE_APPROVAL.
  await expect(page.getByTestId("decision-outcome")).toHaveText(new RegExp(`^Approved at ${TIME} by approver@acme\\.demo \\(1 of 1 approvals\\)$`));
  const votes = page.getByRole("list", { name: "Votes" });
  await expect(votes).toContainText(`Approved by approver@acme.demo at`);
  await expect(votes.getByRole("link", { name: receipt.id })).toHaveAttribute("href", `/receipts/${receipt.id}`);
  // The submit receipt is a link too.
  await expect(page.getByRole("region", { name: "Request" }).getByRole("link", { name: approved!.receiptId })).toHaveAttribute(
    "href",
    `/receipts/${approved!.receiptId}`,
  );
  // Reloaded, the page still says it.
  await page.reload();
  await expect(page.getByTestId("your-vote")).toContainText(`You approved this job at`);

  // A tenant admin sees why there is no form on a pending job, and follows the vote's audit link.
  const admin = await pageAs("tenant-admin@acme.demo");
  await admin.goto(`/approvals/${waiting!.id}`);
  await expect(admin.getByTestId("vote-unavailable")).toHaveText("You may not approve or deny a job here as a tenant admin; only approvers may.");
  await expect(admin.getByRole("button", { name: "Approve", exact: true })).toHaveCount(0);
  await admin.goto(`/approvals/${approved!.id}`);
  await expect(admin.getByTestId("vote-unavailable")).toHaveText("This job is already approved; it can no longer be approved or denied.");
  await admin.getByRole("list", { name: "Votes" }).getByRole("link", { name: `audit #${receipt.auditSeq}` }).click();
  await expect(admin.getByRole("heading", { level: 1, name: `Audit entry #${receipt.auditSeq}` })).toBeVisible();
  await expect(admin.locator("main")).toContainText("job.vote");
  await expect(admin.locator("main")).toContainText(receipt.id);

  // A platform admin is told approving stays with the tenant's approvers.
  const platform = await pageAs("admin@cellgate.demo");
  await platform.goto(`/approvals/${waiting!.id}`);
  await expect(platform.getByTestId("vote-unavailable")).toHaveText("Platform admins may not approve or deny a job here; only the tenant's approvers may.");
});

test("a job whose hash was changed after it was opened is refused as failing its integrity check, the note kept", async ({ pageAs }) => {
  const root = topicRoot();
  const [job] = await withDb((prisma) => acmeJobs(prisma, root, 1));
  const page = await pageAs("approver@acme.demo");
  await page.goto(`/approvals/${job!.id}`);
  await page.getByLabel("Note (required)").fill("Looks fine.");
  await withDb((prisma) => prisma.job.update({ where: { id: job!.id }, data: { jobHash: `sha256:${"e".repeat(64)}` }, select: { id: true } }));
  await page.getByRole("button", { name: "Approve", exact: true }).click();
  await expect(page.getByRole("form", { name: "Vote on this job" }).getByRole("alert")).toContainText("This job failed its integrity check");
  await expect(page.getByLabel("Note (required)")).toHaveValue("Looks fine.");
  expect(await withDb((prisma) => prisma.jobVote.count({ where: { jobId: job!.id } }))).toBe(0);
});

test("a viewer and another tenant's approver can neither see nor act on the job", async ({ pageAs }) => {
  const root = topicRoot();
  const [job] = await withDb((prisma) => acmeJobs(prisma, root, 1));

  const viewer = await pageAs("viewer@acme.demo");
  expect((await viewer.goto("/approvals"))?.status()).toBe(404);
  expect((await viewer.goto(`/approvals/${job!.id}`))?.status()).toBe(404);
  await expect(viewer.getByRole("button", { name: "Approve", exact: true })).toHaveCount(0);

  const globex = await pageAs("approver@globex.demo");
  await globex.goto(`/approvals?topic=${root}`);
  await expect(globex.getByText("No jobs match these filters")).toBeVisible();
  await globex.goto("/approvals");
  await expect(globex.locator(`tr[data-job-id="${job!.id}"]`)).toHaveCount(0);
  await expect(globex.getByLabel("Tenant", { exact: true })).not.toContainText("Acme");
  const foreign = await globex.goto(`/approvals/${job!.id}`);
  expect(foreign?.status()).toBe(404);
  const foreignText = await globex.locator("main").innerText();
  expect(foreignText).not.toContain(root);
  const missing = await globex.goto("/approvals/job_does_not_exist");
  expect(missing?.status()).toBe(404);
  expect(await globex.locator("main").innerText()).toBe(foreignText);
  await expect(globex.getByRole("button", { name: "Approve", exact: true })).toHaveCount(0);

  expect(await withDb((prisma) => prisma.jobVote.count({ where: { jobId: job!.id } }))).toBe(0);
});
