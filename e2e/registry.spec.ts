import { expect, test } from "./support/fixtures";

/** Slugs of the profiles in the registry table, in order. */
async function visibleSlugs(page: import("@playwright/test").Page): Promise<string[]> {
  return page.locator("table tbody tr td:first-child a").allInnerTexts();
}

test("filters go into the URL, and reloading that URL reproduces the view", async ({ pageAs }) => {
  const page = await pageAs("viewer@acme.demo");
  await page.goto("/profiles");
  await page.getByLabel("Health", { exact: true }).selectOption("healthy");
  await page.getByLabel("Ring", { exact: true }).selectOption("2");
  await page.getByRole("button", { name: "Apply" }).click();
  await expect(page).toHaveURL(/\/profiles\?ring=2&health=healthy$/);

  const slugs = await visibleSlugs(page);
  expect(slugs.length).toBeGreaterThan(0);
  for (const row of await page.locator("table tbody tr").all()) {
    await expect(row).toContainText("healthy");
    await expect(row).toContainText("acme-");
  }
  await expect(page.getByLabel("Health", { exact: true })).toHaveValue("healthy");

  await page.reload();
  expect(await visibleSlugs(page)).toEqual(slugs);
  await expect(page.getByLabel("Ring", { exact: true })).toHaveValue("2");

  // The same link opened fresh gives the same rows.
  const copy = await pageAs("viewer@acme.demo");
  await copy.goto(page.url());
  expect(await visibleSlugs(copy)).toEqual(slugs);
});

test("column headers sort through links with aria-sort, toggling direction", async ({ pageAs }) => {
  const page = await pageAs("viewer@acme.demo");
  await page.goto("/profiles");
  await expect(page.getByRole("columnheader", { name: /Profile/ })).toHaveAttribute("aria-sort", "ascending");

  await page.getByRole("link", { name: /^Ring/ }).click();
  await expect(page).toHaveURL(/sort=ring$/);
  await expect(page.getByRole("columnheader", { name: /Ring/ })).toHaveAttribute("aria-sort", "ascending");
  const ascending = await visibleSlugs(page);

  await page.getByRole("link", { name: /^Ring/ }).click();
  await expect(page).toHaveURL(/sort=ring&dir=desc$/);
  await expect(page.getByRole("columnheader", { name: /Ring/ })).toHaveAttribute("aria-sort", "descending");
  expect(await visibleSlugs(page)).not.toEqual(ascending);
});

test("pagination links move between pages and say where you are", async ({ pageAs }) => {
  const page = await pageAs("viewer@acme.demo");
  await page.goto("/profiles?size=10");
  const nav = page.getByRole("navigation", { name: "Pagination" });
  await expect(nav).toContainText(/Page 1 of \d+/);
  const first = await visibleSlugs(page);
  expect(first).toHaveLength(10);

  await nav.getByRole("link", { name: "Next" }).click();
  await expect(page).toHaveURL(/page=2/);
  await expect(nav).toContainText(/Page 2 of \d+/);
  const second = await visibleSlugs(page);
  expect(second.some((slug) => first.includes(slug))).toBe(false);

  await nav.getByRole("link", { name: "Previous" }).click();
  await expect(page).toHaveURL(/\/profiles\?size=10$/);
  await expect(nav).toContainText(/Page 1 of \d+/);
  expect(await visibleSlugs(page)).toEqual(first);
});

test("no match shows a clear empty state with a way back", async ({ pageAs }) => {
  const page = await pageAs("viewer@acme.demo");
  await page.goto("/profiles?q=zz-no-such-profile-zz");
  await expect(page.getByText("No profiles match these filters")).toBeVisible();
  await page.getByRole("link", { name: "Clear filters" }).click();
  await expect(page).toHaveURL(/\/profiles$/);
  expect((await visibleSlugs(page)).length).toBeGreaterThan(0);
});

test("invalid parameters give a readable message, not an error page", async ({ pageAs }) => {
  const page = await pageAs("viewer@acme.demo");
  const response = await page.goto("/profiles?ring=9&sort=password");
  expect(response?.status()).toBe(200);
  await expect(page.getByText('Ring "9" must be a number from 0 to 5.')).toBeVisible();
  await expect(page.getByText(/Cannot sort by "password"/)).toBeVisible();
  expect((await visibleSlugs(page)).length).toBeGreaterThan(0);
});
