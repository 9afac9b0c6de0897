import { expect, signInAs, test } from "./support/fixtures";

const PROFILE = "/profiles/acme-ticket-triage";

for (const email of ["viewer@acme.demo", "approver@acme.demo", "auditor@acme.demo"]) {
  test(`${email} sees a profile but no control that changes anything`, async ({ pageAs }) => {
    const page = await pageAs(email);
    await page.goto(PROFILE);
    await expect(page.getByRole("heading", { level: 1, name: "acme-ticket-triage" })).toBeVisible();
    await expect(page.getByText("acme-sandbox-01-", { exact: false }).first()).toBeVisible();
    await expect(page.getByRole("button", { name: /Revoke key/ })).toHaveCount(0);
    // Nothing on the page can change anything: the only forms are read-only
    // GET filters (the event timeline's type filter), and no button or text
    // input lives outside them.
    const main = page.getByRole("main");
    const forms = main.locator("form");
    const methods = await forms.evaluateAll((els) => els.map((f) => (f.getAttribute("method") ?? "get").toLowerCase()));
    expect(methods.every((m) => m === "get")).toBe(true);
    await expect(main.locator("button:not(form[method='get'] button)")).toHaveCount(0);
    await expect(main.locator("input:not(form[method='get'] input), textarea")).toHaveCount(0);
    // The header offers only the "More" pages menu and "Sign out" (no "View as…" for tenant users).
    await expect(page.getByRole("banner").getByRole("button")).toHaveText(["More", "Sign out"]);
    await expect(page.getByText("View as…")).toHaveCount(0);
  });
}

test("the header names the user, their role and tenant, with a Sign out button", async ({ pageAs }) => {
  const page = await pageAs("viewer@acme.demo");
  await page.goto("/");
  const banner = page.getByRole("banner");
  await expect(banner).toContainText("viewer@acme.demo");
  await expect(banner).toContainText("Acme Corp");
  await expect(banner.getByRole("list", { name: "Your roles" })).toContainText("Viewer");
  await expect(banner.getByRole("button", { name: "Sign out" })).toBeVisible();
  const nav = page.getByRole("navigation", { name: "Main" });
  for (const name of ["Overview", "Registry"]) {
    await expect(nav.getByRole("link", { name })).toBeVisible();
  }
  // Receipts is one of the less used pages behind "More".
  await nav.getByRole("button", { name: "More" }).click();
  await expect(nav.getByRole("link", { name: "Receipts" })).toBeVisible();
});

test("an operator sees Revoke key, must give a reason, and gets a receipt", async ({ pageAs }) => {
  const page = await pageAs("operator@acme.demo");
  await page.goto(PROFILE);
  await expect(page.getByRole("button", { name: /Revoke key/ }).first()).toBeVisible();

  // Revoke on a host no other spec relies on: acme-exec-01 (bound to acme-log-scrubber).
  await page.goto("/profiles/acme-log-scrubber");
  const revoke = page.getByRole("button", { name: /Revoke key acme-exec-01/ });
  await expect(revoke).toHaveCount(1);
  await revoke.click();
  await page.getByRole("button", { name: "Confirm revoke" }).click();
  // An empty reason never leaves the browser (required field)...
  await expect(page.getByLabel(/Reason for revoking/)).toBeFocused();
  await page.getByLabel(/Reason for revoking/).fill("e2e: key exposed in a screen share");
  await page.getByRole("button", { name: "Confirm revoke" }).click();
  await expect(page.getByRole("status").filter({ hasText: /Revoked\. Receipt rcpt_/ })).toBeVisible();
  await expect(page.getByRole("cell", { name: "revoked", exact: true })).toBeVisible();

  await page.reload();
  await expect(page.getByRole("button", { name: /Revoke key acme-exec-01/ })).toHaveCount(0);
  await expect(page.getByText("“e2e: key exposed in a screen share”")).toBeVisible();

  await page.goto("/receipts");
  await expect(page.getByRole("cell", { name: "host.key.revoke" }).first()).toBeVisible();
  await expect(page.getByRole("cell", { name: "host:acme-exec-01" }).first()).toBeVisible();
});

test("a platform admin viewing as a viewer gets the viewer's read-only console", async ({ page }) => {
  // Its own sign-in: view-as changes this session, which must not leak into the saved states.
  await signInAs(page, "admin@cellgate.demo");
  await page.goto(PROFILE);
  await expect(page.getByRole("button", { name: /Revoke key/ }).first()).toBeVisible();

  await page.getByText("View as…").click();
  await page.locator("details select[name=tenant]").selectOption("acme");
  await page.locator("details select[name=role]").selectOption("viewer");
  await page.getByRole("button", { name: "View as", exact: true }).click();
  await expect(page.getByText(/Viewing as\s+Viewer\s+in\s+Acme Corp/)).toBeVisible();

  await page.goto(PROFILE);
  await expect(page.getByRole("button", { name: /Revoke key/ })).toHaveCount(0);
  expect((await page.goto("/profiles/globex-build-runner"))?.status()).toBe(404);

  await page.goto("/");
  await page.getByRole("button", { name: "Stop viewing as" }).click();
  await expect(page.getByText(/Viewing as/)).toHaveCount(0);
  expect((await page.goto("/profiles/globex-build-runner"))?.status()).toBe(200);
});
