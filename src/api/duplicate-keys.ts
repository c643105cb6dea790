/**
 * Duplicate member names in a JSON text. `JSON.parse` keeps the last of them silently, so
 * `{"kind":"complaint",…,"kind":"misconductReport"}` would reach the use case as whatever came last, and
 * a proxy or a log that read the first would disagree with what was stored (issue 13). RFC 8259 §4 says
 * names "SHOULD be unique"; the API refuses a body where they are not.
 *
 * A small scanner rather than a parser: it runs after `JSON.parse` has accepted the text, so it only has
 * to follow strings, brackets and commas. Names are compared decoded (`"kind"` and `"\u006bind"` are
 * the same name). Iterative, so nesting depth cannot overflow the stack.
 */
interface Frame {
  /** Names seen so far (objects only). */
  names: Set<string> | null;
  /** Dotted path of this container (`''` for the root). */
  path: string;
  /** The current member name (objects) or element index (arrays). */
  at: string;
  expectName: boolean;
  index: number;
}

const join = (path: string, at: string) => (path ? `${path}.${at}` : at);

/** The dotted path of the first duplicated member name in `text` (valid JSON), or null when there is none. */
export function findDuplicateKey(text: string): string | null {
  const stack: Frame[] = [];
  for (let i = 0; i < text.length; i += 1) {
    const ch = text[i];
    const top = stack.at(-1);
    if (ch === '"') {
      const start = i;
      for (i += 1; text[i] !== '"'; i += 1) if (text[i] === '\\') i += 1;
      if (top?.names && top.expectName) {
        const name = JSON.parse(text.slice(start, i + 1)) as string;
        if (top.names.has(name)) return join(top.path, name);
        top.names.add(name);
        top.at = name;
        top.expectName = false;
      }
    } else if (ch === '{' || ch === '[') {
      const path = top ? join(top.path, top.at) : '';
      stack.push({ names: ch === '{' ? new Set() : null, path, at: '0', expectName: ch === '{', index: 0 });
    } else if (ch === '}' || ch === ']') {
      stack.pop();
    } else if (ch === ',' && top) {
      if (top.names) top.expectName = true;
      else top.at = String((top.index += 1));
    }
  }
  return null;
}
