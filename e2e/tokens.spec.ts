import { expect, test } from "./support/fixtures";

test("an operator creates a token, sees it once, uses it, and revokes it", async ({ pageAs }) => {
  const page = await pageAs("operator@acme.demo");
  await page.goto("/tokens");
  await expect(page.getByRole("heading", { level: 1, name: "API tokens" })).toBeVisible();
  const form = page.getByRole("form", { name: "New API token" });
  const name = `e2e laptop ${Date.now()}`;
  await form.getByLabel("Name").fill(name);
  await form.getByLabel("Scope").selectOption("acme");
  await form.getByLabel("Expires after").selectOption("7");
  await form.getByRole("checkbox", { name: /registry\.write/ }).check();
  await form.getByRole("button", { name: "Create token" }).click();

  const shown = page.getByTestId("new-token");
  await expect(shown).toHaveText(/^cgt_[a-z2-7]{48}$/);
  const token = (await shown.textContent())!.trim();
  await expect(page.getByRole("region", { name: "New token" }).getByRole("status")).toContainText("copy it now, it is not shown again");

  const who = await page.request.get("/api/v1/whoami", { headers: { Authorization: `Bearer ${token}` } });
  expect(who.status()).toBe(200);
  expect(await who.json()).toMatchObject({ data: { user: { email: "operator@acme.demo" }, token: { name, scope: "acme", permissions: ["registry.write"] } } });

  // Reloaded, the page lists the token but never shows it again.
  await page.reload();
  const row = page.getByRole("row").filter({ hasText: name });
  await expect(row).toContainText("registry.write");
  await expect(row).toContainText("active");
  expect(await page.content()).not.toContain(token);

  await row.getByRole("button", { name: `Revoke token ${name}` }).click();
  // The page refreshes with the token revoked (no Revoke button any more); the receipt is on /receipts.
  await expect(row.getByRole("cell", { name: "revoked", exact: true })).toBeVisible();
  await expect(row.getByRole("button", { name: `Revoke token ${name}` })).toHaveCount(0);
  const after = await page.request.get("/api/v1/whoami", { headers: { Authorization: `Bearer ${token}` } });
  expect(after.status()).toBe(401);
  expect(await after.json()).toMatchObject({ reason: "revoked" });
  await page.goto("/receipts");
  await expect(page.getByRole("row").filter({ hasText: "token.revoke" }).first()).toBeVisible();
});

test("a viewer is offered read permissions only, and a forged write permission is refused by the server", async ({ pageAs }) => {
  const page = await pageAs("viewer@acme.demo");
  await page.goto("/tokens");
  const form = page.getByRole("form", { name: "New API token" });
  await expect(form.getByLabel("Scope").locator("option")).toHaveText([/acme/]);
  await expect(form.getByRole("checkbox")).toHaveCount(1);
  await expect(form.getByRole("checkbox", { name: /registry\.read/ })).toBeVisible();
  await expect(form.getByRole("checkbox", { name: /registry\.write/ })).toHaveCount(0);

  // Tamper with the page as a hostile user could: the server still refuses.
  await form.getByLabel("Name").fill("forged");
  await form.evaluate((el) => {
    const box = document.createElement("input");
    box.type = "checkbox";
    box.name = "permissions";
    box.value = "registry.write";
    box.checked = true;
    el.appendChild(box);
  });
  await form.getByRole("button", { name: "Create token" }).click();
  await expect(form.getByRole("alert")).toContainText("You do not hold registry.write");
  await expect(page.getByTestId("new-token")).toHaveCount(0);
  await page.reload();
  await expect(page.getByRole("row").filter({ hasText: "forged" })).toHaveCount(0);
});

test("a platform admin makes a service account and a token for it", async ({ pageAs }) => {
  const page = await pageAs("admin@cellgate.demo");
  await page.goto("/tokens");
  const slug = `e2e-ci-${Date.now().toString(36)}`;
  const account = page.getByRole("form", { name: "New service account" });
  await account.getByLabel("Name").fill(slug);
  await account.getByLabel("Role").selectOption("acme:operator");
  await account.getByRole("button", { name: "Create service account" }).click();
  await expect(account.getByRole("status")).toContainText(`Created service:${slug}`);
  await page.reload();
  const tokenForm = page.getByRole("form", { name: `New token for service:${slug}` });
  await tokenForm.getByLabel("Name").fill("registry CI");
  await tokenForm.getByRole("checkbox", { name: /registry\.write/ }).check();
  await tokenForm.getByRole("button", { name: `Create token for service:${slug}` }).click();
  const token = (await page.getByTestId("new-token").textContent())!.trim();
  const who = await page.request.get("/api/v1/whoami", { headers: { Authorization: `Bearer ${token}` } });
  expect(await who.json()).toMatchObject({ data: { user: { email: `service:${slug}` }, token: { scope: "acme" } } });
});
