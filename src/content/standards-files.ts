import { issueProblem } from '../domain/text/issues.ts';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { basename, dirname, extname, join, relative } from 'node:path';
import { CORE_SCHEMA, load } from 'js-yaml';
import { Standard } from '../domain/scoring/standard.ts';
import { explain } from '../i18n/format.ts';

/**
 * Reads and validates content/standards/<year>.yaml. One function for `npm run check:content`, the Astro
 * loader (so `astro build` refuses a bad standard), the seed and the tests. Problems read
 * `file › field: reason (message key)`.
 */
export interface StandardFile {
  file: string;
  standard: Standard;
}

export interface StandardProblem {
  file: string;
  path: readonly PropertyKey[];
  message: string;
  vars?: Record<string, string | number>;
}

export function formatStandardProblem(p: StandardProblem): string {
  const field = p.path.length ? p.path.map(String).join('.') : '(file)';
  const text = explain(p.message, p.vars);
  return `${p.file} › ${field}: ${text === p.message ? text : `${text} (${p.message})`}`;
}

/** Validate one parsed document; `file` names it in problems. Pure apart from naming. */
export function validateStandard(
  file: string,
  data: unknown,
  expectedYear?: number,
): { standard?: Standard; problems: StandardProblem[] } {
  const r = Standard.safeParse(data);
  if (!r.success) {
    return {
      problems: r.error.issues.map((i) => {
        // zod's own messages (unknown keys, wrong types …) become zh-CN message keys too.
        const p = issueProblem(i);
        const vars = 'params' in i && i.params ? (i.params as Record<string, string | number>) : p.vars;
        return { file, path: i.path, message: p.message, ...(vars ? { vars } : {}) };
      }),
    };
  }
  if (expectedYear !== undefined && r.data.year !== expectedYear) {
    return {
      problems: [
        {
          file,
          path: ['year'],
          message: 'scoring.standard.yearMismatch',
          vars: { year: r.data.year, expected: expectedYear },
        },
      ],
    };
  }
  return { standard: r.data, problems: [] };
}

export class StandardsError extends Error {
  readonly problems: string[];
  constructor(problems: string[]) {
    super(`Invalid standards:\n${problems.map((p) => `  ${p}`).join('\n')}`);
    this.problems = problems;
  }
}

/** Every standard in `<contentDir>/standards`, by year; throws StandardsError listing every problem. */
export function readStandards(contentDir: string): StandardFile[] {
  const dir = join(contentDir, 'standards');
  if (!existsSync(dir)) return [];
  const problems: StandardProblem[] = [];
  const out: StandardFile[] = [];
  for (const name of readdirSync(dir)
    .filter((f) => ['.yaml', '.yml'].includes(extname(f)))
    .sort()) {
    const path = join(dir, name);
    const file = relative(dirname(contentDir), path);
    const stem = basename(name, extname(name));
    if (!/^\d{4}$/.test(stem)) {
      problems.push({ file, path: [], message: 'scoring.standard.fileName' });
      continue;
    }
    let data: unknown;
    try {
      data = load(readFileSync(path, 'utf8'), { schema: CORE_SCHEMA, filename: file });
    } catch (e) {
      problems.push({ file, path: [], message: e instanceof Error ? e.message.split('\n')[0]! : String(e) });
      continue;
    }
    const r = validateStandard(file, data, Number(stem));
    problems.push(...r.problems);
    if (r.standard) out.push({ file, standard: r.standard });
  }
  if (problems.length) throw new StandardsError(problems.map(formatStandardProblem));
  return out.sort((a, b) => a.standard.year - b.standard.year);
}
