/**
 * Characters that change how text reads without showing themselves ("Trojan
 * Source", CVE-2021-42574): the Unicode bidirectional controls (Bidi_Control:
 * U+061C, U+200E, U+200F, U+202A–U+202E, U+2066–U+2069) and the invisible
 * format characters (U+00AD, U+180E, U+200B–U+200D, U+2060–U+2064, U+FEFF).
 * Wherever agent-supplied text is shown, each one is replaced by a visible
 * marker (`⟨U+202E⟩`) so `invoice‮txt.exe` cannot pass for something else.
 */

const NAMES: Record<number, string> = {
  0x00ad: "soft hyphen",
  0x061c: "Arabic letter mark",
  0x180e: "Mongolian vowel separator",
  0x200b: "zero width space",
  0x200c: "zero width non-joiner",
  0x200d: "zero width joiner",
  0x200e: "left-to-right mark",
  0x200f: "right-to-left mark",
  0x202a: "left-to-right embedding",
  0x202b: "right-to-left embedding",
  0x202c: "pop directional formatting",
  0x202d: "left-to-right override",
  0x202e: "right-to-left override",
  0x2060: "word joiner",
  0x2061: "function application",
  0x2062: "invisible times",
  0x2063: "invisible separator",
  0x2064: "invisible plus",
  0x2066: "left-to-right isolate",
  0x2067: "right-to-left isolate",
  0x2068: "first strong isolate",
  0x2069: "pop directional isolate",
  0xfeff: "zero width no-break space (byte order mark)",
};

/** Matches one hidden character (global: use with matchAll / replace). */
export const HIDDEN_CHARS = /[\u00AD\u061C\u180E\u200B-\u200F\u202A-\u202E\u2060-\u2064\u2066-\u2069\uFEFF]/g;
const ANY_HIDDEN = /[\u00AD\u061C\u180E\u200B-\u200F\u202A-\u202E\u2060-\u2064\u2066-\u2069\uFEFF]/;

/** The risk tag the console adds to a job whose request holds any of them (a policy may require approval or deny). */
export const HIDDEN_CHARS_TAG = "console:hidden-characters";

export function hasHiddenChars(text: string): boolean {
  return ANY_HIDDEN.test(text);
}

/** "U+202E" for a character. */
export function codePointLabel(ch: string): string {
  return `U+${ch.codePointAt(0)!.toString(16).toUpperCase().padStart(4, "0")}`;
}

export function hiddenCharName(ch: string): string {
  return NAMES[ch.codePointAt(0)!] ?? "invisible character";
}

export type TextSegment = { kind: "text"; text: string } | { kind: "hidden"; code: string; name: string };

/** The text as runs of ordinary text and single hidden characters, in order. */
export function splitHidden(text: string): TextSegment[] {
  const out: TextSegment[] = [];
  let last = 0;
  for (const match of text.matchAll(HIDDEN_CHARS)) {
    const at = match.index;
    if (at > last) out.push({ kind: "text", text: text.slice(last, at) });
    out.push({ kind: "hidden", code: codePointLabel(match[0]), name: hiddenCharName(match[0]) });
    last = at + match[0].length;
  }
  if (last < text.length) out.push({ kind: "text", text: text.slice(last) });
  return out;
}

/** The text with each hidden character written as `⟨U+XXXX⟩` (for plain-text places: titles, CLI output). */
export function revealHidden(text: string): string {
  return text.replace(HIDDEN_CHARS, (ch) => `⟨${codePointLabel(ch)}⟩`);
}

/** True when any string anywhere in a JSON value (keys included) holds a hidden character. */
export function jsonHasHiddenChars(value: unknown): boolean {
  if (typeof value === "string") return hasHiddenChars(value);
  if (Array.isArray(value)) return value.some(jsonHasHiddenChars);
  if (value && typeof value === "object") {
    return Object.entries(value).some(([k, v]) => hasHiddenChars(k) || jsonHasHiddenChars(v));
  }
  return false;
}
