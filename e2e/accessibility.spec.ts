/**
 * axe-core on the console's main pages, at a desktop width and on a phone
 * (390 px), one test per page and width: any violation of impact "serious"
 * or "critical" fails, listed readably (rule, impact, help, and the elements
 * with axe's own summary). No rule is disabled. On the phone the opened menu
 * is checked too.
 */
import AxeBuilder from "@axe-core/playwright";
import type { Result } from "axe-core";
import type { Page } from "@playwright/test";
import { expect, test } from "./support/fixtures";
import { MAIN_PAGES, openSettled, pathOf } from "./support/main-pages";

const WIDTHS = [
  { name: "desktop", viewport: { width: 1280, height: 800 } },
  { name: "phone", viewport: { width: 390, height: 844 } },
] as const;

function describe(violations: Result[]): string {
  return violations
    .map((v) => {
      const nodes = v.nodes
        .slice(0, 6)
        .map((n) => `    - ${n.target.join(" ")}\n      ${(n.failureSummary ?? "").replace(/\n/g, "\n      ")}`)
        .join("\n");
      const more = v.nodes.length > 6 ? `\n    … and ${v.nodes.length - 6} more` : "";
      return `  [${v.impact}] ${v.id}: ${v.help} (${v.helpUrl})\n${nodes}${more}`;
    })
    .join("\n");
}

async function seriousViolations(page: Page, include?: string): Promise<Result[]> {
  const builder = new AxeBuilder({ page });
  if (include) builder.include(include);
  const { violations } = await builder.analyze();
  return violations.filter((v) => v.impact === "serious" || v.impact === "critical");
}

for (const { name: widthName, viewport } of WIDTHS) {
  test.describe(`${widthName} (${viewport.width} px)`, () => {
    test.use({ viewport });
    for (const main of MAIN_PAGES) {
      test(`no serious or critical axe violations: ${main.name}`, async ({ pageAs }) => {
        // Charts load after the page, and axe walks the whole DOM: more than the default on a loaded 2-core machine.
        test.setTimeout(60_000);
        const page = await pageAs(main.as);
        const path = await pathOf(main);
        await openSettled(page, path);
        const found = await seriousViolations(page);
        expect(found.length, `axe on ${path} at ${viewport.width} px:\n${describe(found)}`).toBe(0);
        if (viewport.width < 1280 && main.name === "overview") {
          await page.getByRole("button", { name: "Menu" }).click();
          await expect(page.getByRole("navigation", { name: "Main" }).getByRole("link", { name: "Registry" })).toBeVisible();
          const inMenu = await seriousViolations(page, "header");
          expect(inMenu.length, `axe on the open menu at ${viewport.width} px:\n${describe(inMenu)}`).toBe(0);
        }
      });
    }
  });
}
