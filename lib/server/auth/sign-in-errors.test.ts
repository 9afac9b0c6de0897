import { describe, expect, it } from "vitest";
import { SIGN_IN_ERROR, signInErrorMessage, throttledCode } from "./sign-in-errors";

describe("signInErrorMessage", () => {
  it("words throttling distinctly from wrong credentials, with the minutes", () => {
    expect(signInErrorMessage(throttledCode(1))).toBe("Too many failed sign-ins. Try again in 1 minute.");
    expect(signInErrorMessage(throttledCode(4))).toBe("Too many failed sign-ins. Try again in 4 minutes.");
    expect(signInErrorMessage(SIGN_IN_ERROR.badCredentials)).toBe("Wrong email or password.");
    expect(signInErrorMessage("CredentialsSignin")).toBe("Wrong email or password.");
  });

  it("has no message without an error and a generic one for unknown codes", () => {
    expect(signInErrorMessage(null)).toBeNull();
    expect(signInErrorMessage("Something<script>")).toBe("Sign-in failed. Try again.");
  });
});
