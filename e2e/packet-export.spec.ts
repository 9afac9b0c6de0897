/**
 * The auditor's evidence journey in the browser: /audit links to the export
 * form, the packet downloads as a file, and that file verifies with the real
 * `cellgate packet verify` pinned to the console's published platform key. A
 * viewer gets 404; another tenant's auditor can neither pick nor post acme.
 */
import { spawnSync } from "node:child_process";
import { createHash } from "node:crypto";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { REPO_ROOT } from "./support/app-server";
import { withDb } from "./support/db";
import { expect, test } from "./support/fixtures";

const ROOT = REPO_ROOT;

function verifyWithCli(file: string, publicKey: string) {
  const env: NodeJS.ProcessEnv = { ...process.env, CELLGATE_DATA_DIR: "/nonexistent/never-opened" };
  delete env.DATABASE_URL;
  return spawnSync(process.execPath, [path.join(ROOT, "bin", "cellgate.mjs"), "packet", "verify", file, "--public-key", publicKey], {
    cwd: ROOT,
    env,
    encoding: "utf8",
    timeout: 60_000,
  });
}

test("an auditor downloads a packet from /audit that the CLI verifies offline", async ({ pageAs }) => {
  const page = await pageAs("auditor@acme.demo");
  await page.goto("/audit");
  await page.getByRole("link", { name: "Export evidence" }).click();
  await expect(page).toHaveURL(/\/audit\/export$/);
  await expect(page.getByRole("heading", { name: "Export evidence" })).toBeVisible();
  await expect(page.getByLabel("Tenant")).toHaveValue("acme");

  await page.getByLabel("Profile (optional)").fill("acme-ticket-triage");
  const [download] = await Promise.all([page.waitForEvent("download"), page.getByRole("button", { name: "Download packet" }).click()]);
  expect(download.suggestedFilename()).toMatch(/^cellgate-evidence-acme-acme-ticket-triage-\d{8}T\d{4}Z-\d{8}T\d{4}Z\.tar$/);
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "cg-e2e-packet-"));
  try {
    const file = path.join(dir, download.suggestedFilename());
    await download.saveAs(file);

    const key = (await (await page.request.get("/api/v1/platform-key")).json()) as { publicKey: string };
    const result = verifyWithCli(file, key.publicKey);
    expect(result.stderr).toBe("");
    expect(result.status).toBe(0);
    expect(result.stdout).toMatch(/^evidence packet OK: /);
    expect(result.stdout).toMatch(/tenant acme \([0-9a-f-]{36}\), profile acme-ticket-triage/);
    expect(result.stdout).toContain("(the pinned key)");

    const { globex, receipts } = await withDb(async (prisma) => ({
      globex: await prisma.tenant.findUniqueOrThrow({ where: { slug: "globex" } }),
      receipts: await prisma.receipt.findMany({ where: { action: "packet.export" }, orderBy: { time: "desc" }, take: 20 }),
    }));
    const bytes = fs.readFileSync(file);
    expect(bytes.includes(globex.id)).toBe(false);
    const sha = createHash("sha256").update(bytes).digest("hex");
    expect(receipts.map((r) => (r.summary as { sha256?: string }).sha256)).toContain(sha);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
  // The page stayed on the form.
  await expect(page).toHaveURL(/\/audit\/export$/);
});

test("the form says what is wrong: another tenant's profile, an empty range", async ({ pageAs }) => {
  const page = await pageAs("auditor@acme.demo");
  await page.goto("/audit/export");
  await page.getByLabel("Profile (optional)").fill("globex-build-runner");
  await page.getByRole("button", { name: "Download packet" }).click();
  await expect(page.locator("#pk-form-error")).toHaveText('No profile "globex-build-runner" in tenant acme.');
  await expect(page.locator("#pk-form-error")).toHaveAttribute("role", "alert");
  await expect(page.getByLabel("Profile (optional)")).toHaveValue("globex-build-runner");

  await page.getByLabel("Profile (optional)").fill("");
  await page.getByLabel("From (UTC)").fill("2026-11-22T10:00");
  await page.getByLabel("To (UTC)").fill("2026-11-22T09:00");
  await page.getByRole("button", { name: "Download packet" }).click();
  await expect(page.locator("#pk-form-error")).toContainText("The time range is empty");
});

test("a viewer gets 404 for the export page, and a post to the download route exports nothing", async ({ pageAs, baseURL }) => {
  const page = await pageAs("viewer@acme.demo");
  expect((await page.goto("/audit/export"))?.status()).toBe(404);
  const response = await page.request.post("/audit/export/download", {
    form: { tenant: "acme", from: "2026-01-01", to: "2030-01-01" },
    headers: { Origin: baseURL! },
    maxRedirects: 0,
  });
  expect(response.status()).toBe(303);
  expect(response.headers()["content-disposition"]).toBeUndefined();
  expect(response.headers().location).toContain("error=tenant");
  await page.goto("/audit");
  await expect(page.getByRole("link", { name: "Export evidence" })).toHaveCount(0);
});

test("the download route refuses a cross-site or Origin-less post with 403 and exports nothing", async ({ pageAs, baseURL }) => {
  const page = await pageAs("auditor@acme.demo");
  const form = { tenant: "acme", from: "2026-01-01", to: "2030-01-01" };
  const attempts: Record<string, string>[] = [{}, { Origin: "https://evil.example" }, { Origin: baseURL!, "Sec-Fetch-Site": "cross-site" }];
  for (const headers of attempts) {
    const response = await page.request.post("/audit/export/download", { form, headers, maxRedirects: 0 });
    expect(response.status()).toBe(403);
    expect(response.headers()["content-type"]).toBe("application/problem+json");
    expect(response.headers()["content-disposition"]).toBeUndefined();
  }
});

test("another tenant's auditor cannot pick or post acme", async ({ pageAs, baseURL }) => {
  const page = await pageAs("auditor@globex.demo");
  await page.goto("/audit/export");
  await expect(page.getByLabel("Tenant")).toHaveValue("globex");
  await expect(page.getByLabel("Tenant").locator("option")).toHaveText(["Globex (globex)"]);

  const response = await page.request.post("/audit/export/download", {
    form: { tenant: "acme", from: "2026-01-01", to: "2030-01-01" },
    headers: { Origin: baseURL! },
    maxRedirects: 0,
  });
  expect(response.status()).toBe(303);
  expect(response.headers()["content-disposition"]).toBeUndefined();
  const location = response.headers().location!;
  expect(location).toContain("error=tenant");
  await page.goto(location);
  await expect(page.locator("#pk-form-error")).toHaveText('No tenant "acme" you may export evidence for.');
  const missing = await page.request.post("/audit/export/download", {
    form: { tenant: "no-such-tenant", from: "2026-01-01", to: "2030-01-01" },
    headers: { Origin: baseURL! },
    maxRedirects: 0,
  });
  expect(missing.headers().location).toContain("error=tenant");
  // Nothing was exported (no receipt) for the refused posts.
  const globexAuditor = await withDb((prisma) => prisma.user.findUniqueOrThrow({ where: { email: "auditor@globex.demo" } }));
  expect(await withDb((prisma) => prisma.receipt.count({ where: { action: "packet.export", actorId: globexAuditor.id } }))).toBe(0);
});
