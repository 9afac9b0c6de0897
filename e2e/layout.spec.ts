/**
 * The console's frame on a desktop: the header stays one row for the platform
 * admin (who has the most links) at 1280–1440 px, the less used pages sit
 * behind "More", "Skip to content" moves focus into the page, and the icons
 * and web manifest are served (no 404 for a favicon on any page).
 */
import { expect, test } from "./support/fixtures";

for (const width of [1280, 1366, 1440]) {
  test(`the platform admin's header is one row at ${width} px`, async ({ pageAs }) => {
    const page = await pageAs("admin@cellgate.demo");
    await page.setViewportSize({ width, height: 800 });
    await page.goto("/profiles");
    const banner = page.getByRole("banner");
    const nav = page.getByRole("navigation", { name: "Main" });
    await expect(nav.getByRole("link", { name: "Audit log" })).toBeVisible();
    // No "Menu" button at desktop widths.
    await expect(banner.getByRole("button", { name: "Menu" })).toBeHidden();
    // One row: the logo, every top-level link, "More", the user block and Sign out share a line.
    const items = [
      banner.getByRole("link", { name: "Cellgate" }),
      ...["Overview", "Registry", "Safety", "Cost", "Readiness", "Approvals", "Kill switches", "Audit log"].map((name) =>
        nav.getByRole("link", { name, exact: true }),
      ),
      nav.getByRole("button", { name: "More" }),
      banner.getByText("View as…", { exact: true }),
      banner.getByRole("button", { name: "Sign out" }),
    ];
    const centres: number[] = [];
    for (const item of items) {
      const box = (await item.first().boundingBox())!;
      centres.push(box.y + box.height / 2);
      expect(box.x + box.width, "inside the window").toBeLessThanOrEqual(width);
    }
    expect(Math.max(...centres) - Math.min(...centres), `vertical centres ${centres.join(", ")}`).toBeLessThanOrEqual(4);
    expect((await banner.boundingBox())!.height).toBeLessThanOrEqual(64);
    expect(await page.evaluate(() => document.documentElement.scrollWidth <= window.innerWidth)).toBe(true);
  });
}

test("Policies, Receipts, Tokens, (for platform admins) SIEM export and Security sit behind More, which opens, navigates and closes", async ({ pageAs }) => {
  const page = await pageAs("admin@cellgate.demo");
  await page.goto("/");
  const nav = page.getByRole("navigation", { name: "Main" });
  const more = nav.getByRole("button", { name: "More" });
  await expect(more).toHaveAttribute("aria-expanded", "false");
  await expect(nav.getByRole("link", { name: "Receipts" })).toBeHidden();
  await more.click();
  await expect(more).toHaveAttribute("aria-expanded", "true");
  await expect(page.getByRole("list", { name: "More pages" }).getByRole("link")).toHaveText(["Policies", "Receipts", "Tokens", "SIEM export", "Security"]);
  // A click elsewhere closes it.
  await page.getByRole("heading", { level: 1 }).click();
  await expect(more).toHaveAttribute("aria-expanded", "false");
  await more.click();
  await nav.getByRole("link", { name: "Tokens" }).click();
  await expect(page).toHaveURL(/\/tokens$/);
  await expect(more).toHaveAttribute("aria-expanded", "false");
  await expect(nav.getByRole("link", { name: "Tokens" })).toBeHidden();
});

test("Skip to content is the first Tab stop and moves focus to the main content", async ({ pageAs }) => {
  const page = await pageAs("viewer@acme.demo");
  await page.goto("/profiles");
  await page.keyboard.press("Tab");
  const skip = page.getByRole("link", { name: "Skip to content" });
  await expect(skip).toBeFocused();
  await expect(skip).toBeVisible();
  await page.keyboard.press("Enter");
  await expect(page.getByRole("main")).toBeFocused();
  // The next Tab continues inside the page, not back in the header.
  await page.keyboard.press("Tab");
  expect(await page.evaluate(() => !!document.activeElement?.closest("main"))).toBe(true);
});

test("the icons and the web manifest are served, and no page asks for a missing favicon", async ({ pageAs, request }) => {
  const page = await pageAs("viewer@acme.demo");
  const missing: string[] = [];
  page.on("response", (response) => {
    if (response.status() === 404) missing.push(response.url());
  });
  await page.goto("/");
  const icon = await page.locator('link[rel="icon"]').first().getAttribute("href");
  expect(icon).toMatch(/^\/icon\.svg/);
  const apple = await page.locator('link[rel="apple-touch-icon"]').first().getAttribute("href");
  expect(apple).toMatch(/^\/apple-icon\.png/);
  expect(await page.locator('link[rel="manifest"]').getAttribute("href")).toBe("/manifest.webmanifest");
  for (const url of [icon!, apple!]) expect((await request.get(url)).status(), url).toBe(200);
  const manifest = await request.get("/manifest.webmanifest");
  expect(manifest.status()).toBe(200);
  const body = await manifest.json();
  expect(body).toMatchObject({ name: "Cellgate", start_url: "/" });
  for (const { src, type } of body.icons as { src: string; type: string }[]) {
    const res = await request.get(src);
    expect(res.status(), src).toBe(200);
    expect(res.headers()["content-type"]).toContain(type);
  }
  await page.goto("/profiles");
  expect(missing).toEqual([]);
});
