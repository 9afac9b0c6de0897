/**
 * What the approver actually sees in a browser when the agent or an insider
 * tries to make a job read as something it is not:
 *  - a job whose stored canonical text was altered in the database shows an
 *    integrity alarm in place of the payload, and no vote buttons;
 *  - invisible and direction-changing characters in a payload and its labels
 *    are shown as highlighted ⟨U+XXXX⟩ markers, with a warning badge on the
 *    job page and its queue row, so `invoice‮txt.exe` cannot pass for a text file.
 */
import { randomBytes } from "node:crypto";
import { createJob } from "../tests/support/job-factory";
import { withDb } from "./support/db";
import { expect, test } from "./support/fixtures";

const topicRoot = () => `job.e2e_${randomBytes(4).toString("hex")}`;

async function acme(prisma: Parameters<Parameters<typeof withDb>[0]>[0]) {
  const tenant = await prisma.tenant.findUniqueOrThrow({ where: { slug: "acme" } });
  const profile = await prisma.profile.findUniqueOrThrow({ where: { slug: "acme-ticket-triage" } });
  return { tenant, profile };
}

test("a job altered in the database shows an integrity alarm instead of its payload, and cannot be voted on", async ({ pageAs }) => {
  const root = topicRoot();
  const job = await withDb(async (prisma) => {
    const job = await createJob(prisma, { ...(await acme(prisma)), topic: `${root}.write.transfer`, payload: { transfer: { amount: 100, currency: "EUR" } } });
    await prisma.job.update({ where: { id: job.id }, data: { canonical: job.canonical.replace('"amount":100', '"amount":900') } });
    return job;
  });
  const page = await pageAs("approver@acme.demo");
  await page.goto(`/approvals/${job.id}`);
  const alarm = page.getByTestId("integrity-alarm");
  await expect(alarm).toBeVisible();
  await expect(alarm).toContainText("Integrity alarm: this job is not what was hashed");
  await expect(alarm.getByRole("list", { name: "Integrity problems" })).toContainText(`not to the job hash ${job.jobHash}`);
  await expect(alarm).toContainText(/Alarm recorded .* audit entry #\d+/);
  await expect(page.getByTestId("job-canonical")).toHaveCount(0);
  expect(await page.locator("main").innerText()).not.toMatch(/"amount"|900/);
  await expect(page.getByRole("button", { name: /Approve/ })).toHaveCount(0);
  await expect(page.getByTestId("vote-refused-integrity")).toBeVisible();
  // The queue says so on the row too.
  await page.goto(`/approvals?topic=${root}`);
  await expect(page.locator(`tr[data-job-id="${job.id}"]`).getByTestId("integrity-alarm-row")).toHaveText("Integrity alarm: votes refused");
});

test("invisible and direction-changing characters are shown as marked code points, with a warning on the job and its row", async ({ pageAs }) => {
  const root = topicRoot();
  const file = "invoice\u202Etxt.exe";
  const job = await withDb(async (prisma) =>
    createJob(prisma, {
      ...(await acme(prisma)),
      topic: `${root}.write.attach_file`,
      labels: { ticket: "ACME\u200B-1042" },
      payload: { attach: file, note: "\u2066safe\u2069 \uFEFFto open" },
    }),
  );
  expect(job.consoleTags).toEqual(["console:hidden-characters"]);
  const page = await pageAs("approver@acme.demo");
  await page.goto(`/approvals?topic=${root}`);
  await expect(page.locator(`tr[data-job-id="${job.id}"]`).getByTestId("hidden-chars-badge")).toContainText("contains invisible or direction-changing characters");

  await page.goto(`/approvals/${job.id}`);
  await expect(page.getByTestId("hidden-chars-badge").first()).toBeVisible();
  const canonical = page.getByTestId("job-canonical");
  for (const code of ["U+202E", "U+200B", "U+2066", "U+2069", "U+FEFF"]) {
    const marker = canonical.locator(`mark[data-hidden-char="${code}"]`);
    await expect(marker, code).toHaveCount(1);
    await expect(marker).toHaveText(`⟨${code}⟩`);
  }
  const shown = await canonical.innerText();
  expect(shown).toContain("invoice⟨U+202E⟩txt.exe");
  // Not one raw hidden character reaches the approver's screen.
  expect(shown).not.toMatch(/[\u202A-\u202E\u2066-\u2069\u200B-\u200F\uFEFF\u061C]/);
  await expect(page.getByText("Added by the console")).toBeVisible();
  // The vote still binds to the hash of the exact bytes (the markers are display only).
  await expect(page.getByTestId("job-hash")).toHaveText(job.jobHash);
});
