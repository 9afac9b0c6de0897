/**
 * A screenshot set for reviewing the layout by eye, not a test: skipped unless
 * SCREENSHOTS=1. Writes .tmp/screenshots/<page>-<width>.png (gitignored) at
 * 1440 and 390 px, and prints whatever sticks out past the viewport.
 *
 *   SCREENSHOTS=1 E2E_APP_PORT=3310 E2E_OIDC_PORT=4555 npx playwright test e2e/screenshots.spec.ts --reporter=line
 */
import path from "node:path";
import { REPO_ROOT } from "./support/app-server";
import { test } from "./support/fixtures";
import { MAIN_PAGES, openSettled, overflowingElements, pathOf } from "./support/main-pages";

const OUT = path.join(REPO_ROOT, ".tmp", "screenshots");

test.skip(!process.env.SCREENSHOTS, "screenshots only on request (SCREENSHOTS=1)");

for (const width of [1440, 390]) {
  test(`screenshots of the main pages at ${width} px`, async ({ pageAs }) => {
    test.setTimeout(240_000);
    for (const main of MAIN_PAGES) {
      const { name, as } = main;
      const page = await pageAs(as);
      await page.setViewportSize({ width, height: width > 800 ? 900 : 844 });
      await openSettled(page, await pathOf(main));
      const sticking = await overflowingElements(page);
      if (sticking.length) console.log(`${name} @ ${width}: sticks out\n  ${sticking.join("\n  ")}`);
      await page.screenshot({ path: path.join(OUT, `${name}-${width}.png`), fullPage: true });
      // The navigation opened, once: the phone menu, or "More" on a desktop.
      if (name === "overview") {
        await page.getByRole("button", { name: width < 1280 ? "Menu" : "More" }).click();
        await page.screenshot({ path: path.join(OUT, `${name}-${width}-menu.png`) });
      }
      await page.close();
    }
  });
}
