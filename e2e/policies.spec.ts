import { expect, test } from "./support/fixtures";

test("the simulator answers a GET form with the decision, matched rules and approvals of the policy in force", async ({ pageAs }) => {
  const page = await pageAs("approver@acme.demo");
  await page.goto("/policies");
  await expect(page.getByRole("heading", { level: 1, name: "Policies" })).toBeVisible();
  await page.getByRole("link", { name: "Simulator" }).click();
  await expect(page).toHaveURL(/\/policies\/simulate$/);

  await page.getByLabel("Profile").fill("acme-ticket-triage");
  await page.getByLabel("Topic").fill("job.mcp-bridge.write.update_ticket");
  await page.getByLabel("Risk tags").fill("writes");
  await page.getByLabel("Labels").fill("environment=production");
  await page.getByRole("button", { name: "Simulate" }).click();
  await expect(page).toHaveURL(/\/policies\/simulate\?profile=acme-ticket-triage&topic=job\.mcp-bridge\.write\.update_ticket&riskTags=writes&labels=environment%3Dproduction$/);

  const result = page.getByTestId("simulation-result");
  await expect(result).toBeVisible();
  // The seeded demo policy: acme holds production ticket changes for two approvers.
  await expect(result).toContainText("REQUIRE_APPROVAL");
  await expect(result).toContainText("tenant:acme:production-tickets-two-approvers");
  await expect(result).toContainText("(deciding)");
  await expect(result).toContainText("2 distinct approvers");
  await expect(result).not.toContainText("policy:unavailable");
  await expect(page.getByRole("heading", { name: "Decision" })).toBeVisible();

  // The URL alone reproduces the answer; a bad input names its field.
  const again = await pageAs("approver@acme.demo");
  await again.goto(page.url());
  await expect(again.getByTestId("simulation-result")).toBeVisible();
  expect(await again.getByTestId("simulation-result").innerText()).toBe(await result.innerText());
  await again.goto("/policies/simulate?profile=acme-ticket-triage&topic=not+a+topic");
  await expect(again.locator("main").getByRole("alert")).toContainText("dot-separated");
  await expect(again.getByTestId("simulation-result")).toHaveCount(0);
});

test("an acme user never sees globex's policy, not even that it exists", async ({ pageAs }) => {
  const page = await pageAs("tenant-admin@acme.demo");
  await page.goto("/policies");
  const table = page.locator("table");
  await expect(table).toContainText("Platform");
  await expect(table).toContainText("Acme Corp");
  await expect(table).not.toContainText("Globex");
  await expect(table).not.toContainText("globex");

  for (const path of ["/policies/tenant/globex", "/policies/tenant/globex/versions/1", "/policies/profile/globex-build-runner"]) {
    expect((await page.goto(path))?.status(), path).toBe(404);
  }
  const foreign = await page.locator("main").innerText();
  expect((await page.goto("/policies/tenant/no-such-tenant"))?.status()).toBe(404);
  expect(await page.locator("main").innerText()).toBe(foreign);

  await page.goto("/policies/simulate?profile=globex-build-runner&topic=job.build.run");
  await expect(page.locator("main").getByRole("alert")).toContainText("No profile globex-build-runner among the profiles you can see");
  await expect(page.getByTestId("simulation-result")).toHaveCount(0);
});

test("globex's viewer and the platform admin can open globex's policy history", async ({ pageAs }) => {
  for (const email of ["viewer@globex.demo", "admin@cellgate.demo"]) {
    const page = await pageAs(email);
    expect((await page.goto("/policies/tenant/globex"))?.status(), email).toBe(200);
    await expect(page.getByRole("heading", { level: 1, name: "Tenant policy: Globex" })).toBeVisible();
  }
  // The demo seed applied version 1 of globex's document: its page shows the diff against nothing.
  const page = await pageAs("viewer@globex.demo");
  await page.goto("/policies/tenant/globex");
  await page.getByRole("link", { name: "version 1", exact: true }).first().click();
  await expect(page.getByRole("heading", { level: 1, name: "Tenant policy: Globex, version 1" })).toBeVisible();
  await expect(page.getByRole("heading", { name: "First version" })).toBeVisible();
  await expect(page.getByTestId("policy-diff")).toContainText("+level: tenant");
  await expect(page.getByTestId("policy-source")).toContainText("tenant: globex");
});
