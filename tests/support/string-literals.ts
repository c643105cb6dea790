/**
 * The string literals of a TypeScript or Astro source file, each as its fixed parts: a quoted string has
 * one part, a template literal one part more than it has `${…}` holes (holes are scanned as code, so
 * literals inside them count too). Comments (`//`, `/* … *\/`, `<!-- … -->`) and regular expression
 * literals are skipped; escapes are left as written. A small scanner, not a parser: it is checked against
 * the TypeScript parser's string literals for every .ts file of the repository (tests/unit/string-literals.test.ts).
 */
export function stringLiterals(text: string): string[][] {
  const found: string[][] = [];
  const skipOrQuoted = /\/\/[^\n]*|\/\*[\s\S]*?\*\/|<!--[\s\S]*?-->|'(?:[^'\\\n]|\\.)*'|"(?:[^"\\\n]|\\.)*"/y;
  const regexLiteral = /\/(?:[^/\\\n[]|\\.|\[(?:[^\]\\\n]|\\.)*\])+\/[a-z]*/y;
  // A `/` after one of these starts a regular expression, not a division (`>` as in `=> /…/`). `}` is
  // left out: in Astro markup `} />` is far more common than a regular expression after a block.
  const beforeRegex = '(,=:[!&|?{;>';

  // Code from i up to the `}` that closes the current `${…}` hole (or the end); returns the index after it.
  const code = (i: number): number => {
    let depth = 0;
    let previous = '';
    while (i < text.length) {
      const c = text[i]!;
      skipOrQuoted.lastIndex = i;
      const m = skipOrQuoted.exec(text);
      if (m) {
        if (c === "'" || c === '"') {
          found.push([m[0].slice(1, -1)]);
          previous = c;
        }
        i += m[0].length;
        continue;
      }
      if (c === '`') {
        i = template(i + 1);
        previous = c;
        continue;
      }
      if (c === '/' && (previous === '' || beforeRegex.includes(previous))) {
        regexLiteral.lastIndex = i;
        const r = regexLiteral.exec(text);
        if (r) {
          i += r[0].length;
          previous = '/';
          continue;
        }
      }
      if (c === '{') depth++;
      if (c === '}' && depth-- === 0) return i + 1;
      if (!/\s/.test(c)) previous = c;
      i++;
    }
    return i;
  };

  // A template literal whose body starts at i; returns the index after its closing backtick.
  const template = (i: number): number => {
    const parts: string[] = [];
    let part = '';
    while (i < text.length && text[i] !== '`') {
      if (text[i] === '\\') {
        part += text.slice(i, i + 2);
        i += 2;
      } else if (text.startsWith('${', i)) {
        parts.push(part);
        part = '';
        i = code(i + 2);
      } else part += text.charAt(i++);
    }
    parts.push(part);
    found.push(parts);
    return i + 1;
  };

  code(0);
  return found;
}
