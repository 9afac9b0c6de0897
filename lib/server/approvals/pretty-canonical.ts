/**
 * Indent RFC 8785 canonical JSON for reading WITHOUT parsing it: only
 * whitespace is inserted between tokens, so every key stays in the hashed
 * order and every number and string stays byte for byte as hashed (parsing
 * into a JS object would reorder integer-like keys such as "10" and "2").
 * Removing the added whitespace gives back the canonical text exactly.
 */
export function prettyCanonical(canonical: string, indent = "  "): string {
  let out = "";
  let depth = 0;
  let inString = false;
  for (let i = 0; i < canonical.length; i++) {
    const ch = canonical[i]!;
    if (inString) {
      out += ch;
      if (ch === "\\") {
        out += canonical[i + 1] ?? "";
        i++;
      } else if (ch === '"') {
        inString = false;
      }
      continue;
    }
    switch (ch) {
      case '"':
        inString = true;
        out += ch;
        break;
      case "{":
      case "[": {
        const close = ch === "{" ? "}" : "]";
        if (canonical[i + 1] === close) {
          out += ch + close;
          i++;
        } else {
          depth++;
          out += `${ch}\n${indent.repeat(depth)}`;
        }
        break;
      }
      case "}":
      case "]":
        depth--;
        out += `\n${indent.repeat(depth)}${ch}`;
        break;
      case ",":
        out += `,\n${indent.repeat(depth)}`;
        break;
      case ":":
        out += ": ";
        break;
      default:
        out += ch;
    }
  }
  return out;
}

/** The inverse: strip whitespace outside strings (for checking a pretty text against its hash). */
export function compactJson(text: string): string {
  let out = "";
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const ch = text[i]!;
    if (inString) {
      out += ch;
      if (ch === "\\") {
        out += text[i + 1] ?? "";
        i++;
      } else if (ch === '"') inString = false;
      continue;
    }
    if (ch === '"') inString = true;
    if (ch === " " || ch === "\n" || ch === "\t" || ch === "\r") continue;
    out += ch;
  }
  return out;
}
