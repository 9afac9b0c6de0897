/**
 * The auditor's trace of a demo job, whose history is back-dated (submitted
 * "12 minutes ago", recorded in the audit log at seed time): the timeline is
 * in the order things happened, and shows the recorded time beside it.
 */
import { withDb } from "./support/db";
import { expect, test } from "./support/fixtures";

test("a demo job's trace lists request → decision in time order, with both times where they differ, and no raw null", async ({ pageAs }) => {
  const job = await withDb((prisma) =>
    prisma.job.findFirstOrThrow({ where: { labels: { path: ["ticket"], equals: "ACME-1042" } }, select: { traceId: true, createdAt: true } }),
  );
  const page = await pageAs("auditor@acme.demo");
  await page.goto(`/audit/trace/${job.traceId}`);
  await expect(page.getByRole("heading", { level: 1, name: "Trace", exact: true })).toBeVisible();
  const items = page.getByRole("list", { name: "Trace timeline" }).locator(":scope > li");
  await expect(items.first()).toHaveAttribute("data-kind", "request");
  await expect(items.nth(1)).toHaveAttribute("data-kind", "decision");

  const times = await items.locator('[data-testid="happened-at"]').evaluateAll((els) => els.map((el) => el.getAttribute("datetime")!));
  expect(times.length).toBeGreaterThanOrEqual(2);
  expect([...times].sort()).toEqual(times);
  expect(times[0]).toBe(job.createdAt.toISOString());
  // The request's entry was written at seed time, after the back-dated submission.
  await expect(items.first().getByTestId("recorded-at")).toContainText("recorded in the audit log");
  await expect(page.locator("main")).not.toContainText(/\bnull\b/, { useInnerText: true });

  // The request's audit entry: no raw null for its empty fields either.
  await items.first().getByRole("link", { name: /^entry #\d+$/ }).click();
  await expect(page.getByRole("heading", { name: /^Audit entry #\d+$/ })).toBeVisible();
  await expect(page.locator("main").locator("dl").first()).not.toContainText(/\bnull\b/, { useInnerText: true });
});

test("the demo job whose approval window closed unread ends its trace with the expiry, at the time the window closed", async ({ pageAs }) => {
  const job = await withDb((prisma) =>
    prisma.job.findFirstOrThrow({ where: { labels: { path: ["ticket"], equals: "ACME-880" } }, select: { id: true, traceId: true, expiresAt: true } }),
  );
  const page = await pageAs("auditor@acme.demo");
  await page.goto(`/audit/trace/${job.traceId}`);
  await expect(page.getByRole("region", { name: "Jobs in this trace" })).toContainText(`${job.id} · acme-ticket-triage · EXPIRED`);
  const items = page.getByRole("list", { name: "Trace timeline" }).locator(":scope > li");
  await expect(items.last()).toHaveAttribute("data-kind", "resolution");
  await expect(items.last()).toContainText("Approval window expired");
  await expect(items.last().getByTestId("happened-at")).toHaveAttribute("datetime", job.expiresAt!.toISOString());
  const times = await items.locator('[data-testid="happened-at"]').evaluateAll((els) => els.map((el) => el.getAttribute("datetime")!));
  expect([...times].sort()).toEqual(times);
});
