import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';
import { describe, expect, test } from 'vitest';
import { stringLiterals } from '../support/string-literals.ts';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const files = (dir: string): string[] =>
  readdirSync(dir).flatMap((n) => (statSync(join(dir, n)).isDirectory() ? files(join(dir, n)) : [join(dir, n)]));

/** The same literals as the TypeScript parser sees them (as written, escapes undecoded). */
function parsedLiterals(file: string, text: string): string[][] {
  const found: string[][] = [];
  const visit = (node: ts.Node) => {
    if (ts.isStringLiteral(node)) found.push([node.getText().slice(1, -1)]);
    else if (ts.isNoSubstitutionTemplateLiteral(node)) found.push([node.rawText ?? node.text]);
    else if (ts.isTemplateExpression(node))
      found.push([
        node.head.rawText ?? node.head.text,
        ...node.templateSpans.map((s) => s.literal.rawText ?? s.literal.text),
      ]);
    node.forEachChild(visit);
  };
  visit(ts.createSourceFile(file, text, ts.ScriptTarget.Latest, true));
  return found;
}

describe('stringLiterals (tests/support/string-literals.ts)', () => {
  test('finds the string literals the TypeScript parser finds in every .ts file of src/, db/ and tests/', () => {
    const differences: string[] = [];
    const all = ['src', 'db', 'tests'].flatMap((d) => files(join(ROOT, d))).filter((f) => f.endsWith('.ts'));
    for (const file of all) {
      const text = readFileSync(file, 'utf8');
      const sorted = (l: string[][]) => l.map((parts) => JSON.stringify(parts)).sort();
      const [scanned, parsed] = [sorted(stringLiterals(text)), sorted(parsedLiterals(file, text))];
      if (scanned.join('\n') !== parsed.join('\n')) differences.push(relative(ROOT, file));
    }
    expect(all.length).toBeGreaterThan(100);
    expect(differences).toEqual([]);
  });
});
