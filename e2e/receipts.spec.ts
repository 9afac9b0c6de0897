/**
 * Receipts as first-class pages: from /receipts to /receipts/<id>, the
 * sealing checkpoint, and "Verify" checking the entry and its inclusion in
 * the browser (Web Crypto); evidence changed on its way to the browser fails;
 * someone else's receipt is a 404; /receipts fits a 1440 px screen.
 */
import type { Page } from "@playwright/test";
import { expect, test } from "./support/fixtures";

/** Seal what is in the log now: an evidence export signs a fresh checkpoint. */
async function sealTheLog(page: Page, baseURL: string) {
  const response = await page.request.post("/audit/export/download", {
    form: { tenant: "acme", from: "2026-01-01", to: "2030-01-01" },
    headers: { Origin: baseURL },
    maxRedirects: 0,
  });
  expect(response.status()).toBe(200);
}

/**
 * The oldest receipt on the approver's first page of /receipts (a demo vote,
 * older than any checkpoint just signed, whatever other specs add meanwhile),
 * opened by its link: its id.
 */
/** The reader's oldest vote receipt (a tenant's: the demo approver also has passkey receipts, which belong to no tenant). */
async function openReceipt(page: Page): Promise<string> {
  await page.goto("/receipts");
  const link = page.getByRole("table").locator("tbody tr").filter({ hasText: "job.vote" }).last().getByRole("link", { name: /^rcpt_/ });
  const id = (await link.textContent())!.trim();
  await link.click();
  await expect(page).toHaveURL(new RegExp(`/receipts/${id}$`));
  await expect(page.getByRole("heading", { level: 1, name: "Receipt", exact: true })).toBeVisible();
  return id;
}

test("an approver opens a receipt from /receipts, sees its seal, and Verify passes in the browser", async ({ pageAs, baseURL }) => {
  await sealTheLog(await pageAs("auditor@acme.demo"), baseURL!);
  const page = await pageAs("approver@acme.demo");
  const id = await openReceipt(page);
  await expect(page.getByText(id).first()).toBeVisible();
  // The demo approver's votes come before the checkpoint just signed.
  await expect(page.locator("[data-seal]")).toHaveAttribute("data-seal", "sealed");
  await expect(page.getByText(/^sealed at checkpoint #\d+$/)).toBeVisible();
  // An approver does not read the audit log: the entry is shown here, without the link.
  await expect(page.getByRole("heading", { name: /^Audit entry #\d+$/ })).toBeVisible();
  await expect(page.getByRole("link", { name: "Open in the audit log" })).toHaveCount(0);

  await page.getByRole("button", { name: "Verify" }).click();
  const result = page.locator("[data-verify]");
  await expect(result).toHaveAttribute("data-verify", "pass");
  await expect(result).toContainText("Verified: this receipt's entry is intact and inside a signed checkpoint.");
  for (const step of ["entry-hash", "receipt", "inclusion", "signature"]) {
    await expect(result.locator(`[data-step="${step}"]`)).toHaveAttribute("data-state", "pass");
  }
});

test("Verify fails when the evidence reaching the browser was changed", async ({ pageAs, baseURL }) => {
  await sealTheLog(await pageAs("auditor@acme.demo"), baseURL!);
  const page = await pageAs("approver@acme.demo");
  await openReceipt(page);
  // A console (or proxy) that rewrote the entry: the note now says something else.
  await page.route("**/receipts/*/evidence", async (route) => {
    const response = await route.fetch();
    const evidence = await response.json();
    evidence.entry.data = { ...evidence.entry.data, note: "approved without reading" };
    await route.fulfill({ response, json: evidence });
  });
  await page.getByRole("button", { name: "Verify" }).click();
  const result = page.locator("[data-verify]");
  await expect(result).toHaveAttribute("data-verify", "fail");
  await expect(result).toContainText("Verification failed");
  await expect(result.locator('[data-step="entry-hash"]')).toHaveAttribute("data-state", "fail");

  // A rewritten proof does not reach the signed root either.
  await page.unrouteAll({ behavior: "wait" });
  await page.route("**/receipts/*/evidence", async (route) => {
    const response = await route.fetch();
    const evidence = await response.json();
    evidence.seal.checkpoint.treeRoot = "0".repeat(64);
    await route.fulfill({ response, json: evidence });
  });
  await page.getByRole("button", { name: "Verify" }).click();
  await expect(result.locator('[data-step="inclusion"]')).toHaveAttribute("data-state", "fail");
  await expect(result.locator('[data-step="signature"]')).toHaveAttribute("data-state", "fail");
});

test("someone else's receipt is a 404; an auditor of its tenant reads it and opens its audit entry", async ({ pageAs }) => {
  const approver = await pageAs("approver@acme.demo");
  const id = await openReceipt(approver);
  const path = `/receipts/${id}`;

  for (const email of ["viewer@acme.demo", "operator@globex.demo", "auditor@globex.demo"]) {
    const page = await pageAs(email);
    expect((await page.goto(path))?.status(), email).toBe(404);
    expect((await page.request.get(`${path}/evidence`)).status(), email).toBe(404);
  }

  const auditor = await pageAs("auditor@acme.demo");
  expect((await auditor.goto(path))?.status()).toBe(200);
  const seq = (await auditor.getByRole("heading", { name: /^Audit entry #\d+$/ }).textContent())!.replace(/\D/g, "");
  await auditor.getByRole("link", { name: "Open in the audit log" }).click();
  await expect(auditor).toHaveURL(new RegExp(`/audit/${seq}$`));
  // …and the entry page links back to the receipt.
  await auditor.getByRole("link", { name: id }).click();
  await expect(auditor).toHaveURL(new RegExp(`${path}$`));
});

test("/receipts fits 1440 px: hashes shortened with the full value on hover and a copy button, nothing clipped", async ({ pageAs }) => {
  const page = await pageAs("approver@acme.demo");
  await page.setViewportSize({ width: 1440, height: 900 });
  await page.goto("/receipts");
  const table = page.getByRole("table");
  await expect(table.getByRole("link", { name: /^rcpt_/ }).first()).toBeVisible();
  const box = table.locator("xpath=..");
  // The table's own box does not scroll sideways, and neither does the page.
  expect(await box.evaluate((el) => el.scrollWidth - el.clientWidth)).toBeLessThanOrEqual(0);
  expect(await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth)).toBeLessThanOrEqual(0);
  for (const header of ["Result hash", "Audit"]) {
    const cell = table.getByRole("columnheader", { name: header });
    const right = await cell.evaluate((el) => el.getBoundingClientRect().right);
    const boxRight = await box.evaluate((el) => el.getBoundingClientRect().right);
    expect(right, header).toBeLessThanOrEqual(boxRight + 0.5);
  }
  const firstHash = table.locator("tbody tr").first().locator("code[title]").nth(1);
  const full = await firstHash.getAttribute("title");
  expect(full).toMatch(/^[0-9a-f]{64}$/);
  await expect(table.locator("tbody tr").first().getByRole("button", { name: "Copy result hash" })).toBeVisible();
});
