import { expect, test } from "./support/fixtures";

test("an acme user gets the same 404 for globex's profile as for one that does not exist", async ({ pageAs }) => {
  const page = await pageAs("viewer@acme.demo");
  const foreign = await page.goto("/profiles/globex-build-runner");
  expect(foreign?.status()).toBe(404);
  await expect(page.getByRole("heading", { name: "Not found" })).toBeVisible();
  const foreignText = await page.locator("main").innerText();
  expect(foreignText).not.toContain("Globex");

  const missing = await page.goto("/profiles/no-such-profile-anywhere");
  expect(missing?.status()).toBe(404);
  expect(await page.locator("main").innerText()).toBe(foreignText);
});

test("an acme operator gets 404 too, and the registry never lists globex", async ({ pageAs }) => {
  const page = await pageAs("operator@acme.demo");
  expect((await page.goto("/profiles/globex-build-runner"))?.status()).toBe(404);

  await page.goto("/profiles?tenant=globex");
  await expect(page.getByText("No profiles match these filters")).toBeVisible();
  await page.goto("/profiles?q=globex");
  await expect(page.getByText("No profiles match these filters")).toBeVisible();
  await page.goto("/profiles?size=100");
  await expect(page.locator("table tbody")).not.toContainText("globex");
  await expect(page.getByLabel("Tenant", { exact: true })).not.toContainText("Globex");
});

test("globex's own users and the platform admin can open it", async ({ pageAs }) => {
  for (const email of ["viewer@globex.demo", "admin@cellgate.demo"]) {
    const page = await pageAs(email);
    expect((await page.goto("/profiles/globex-build-runner"))?.status(), email).toBe(200);
    await expect(page.getByRole("heading", { level: 1, name: "globex-build-runner" })).toBeVisible();
  }
});
