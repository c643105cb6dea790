import { readdirSync, readFileSync } from 'node:fs';
import { basename, extname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parse } from 'yaml';
import type { z } from 'zod';
import { FamilyAggregate, Township, Unit } from './domain/units/schema.ts';

/**
 * Reads content/ outside Astro (seed, CLI checks, tests) with the same domain schemas the
 * collections use, and reports problems as `file › field: reason`.
 */
export const CONTENT_DIR = fileURLToPath(new URL('../content', import.meta.url));

export class ContentError extends Error {
  readonly problems: string[];
  constructor(problems: string[]) {
    super(`Invalid content:\n${problems.map((p) => `  ${p}`).join('\n')}`);
    this.problems = problems;
  }
}

function describe(file: string, error: z.ZodError): string[] {
  return error.issues.map((i) => `${file} › ${i.path.join('.') || '(entry)'}: ${i.message}`);
}

function yamlFiles(dir: string): string[] {
  return readdirSync(dir)
    .filter((f) => ['.yaml', '.yml'].includes(extname(f)))
    .sort()
    .map((f) => join(dir, f));
}

function parseEach<S extends z.ZodType>(
  schema: S,
  items: { file: string; id: string; data: unknown }[],
  problems: string[],
): (z.infer<S> & { id: string })[] {
  const out: (z.infer<S> & { id: string })[] = [];
  for (const item of items) {
    const r = schema.safeParse(item.data);
    if (r.success) out.push({ ...(r.data as object), id: item.id } as z.infer<S> & { id: string });
    else problems.push(...describe(item.file, r.error));
  }
  return out;
}

/** Entries of a single-file list collection (townships, families). */
function listEntries(dir: string, problems: string[]) {
  return yamlFiles(dir).flatMap((file) => {
    const doc: unknown = parse(readFileSync(file, 'utf8'));
    if (!Array.isArray(doc)) {
      problems.push(`${file} › (file): expected a list`);
      return [];
    }
    return doc.map((data: unknown, i) => ({
      file: `${file}[${i}]`,
      id: String((data as { id?: unknown })?.id ?? i),
      data,
    }));
  });
}

/** Entries of a one-file-per-entry collection (units): the id is the file name. */
function fileEntries(dir: string) {
  return yamlFiles(dir).map((file) => ({
    file,
    id: basename(file, extname(file)),
    data: parse(readFileSync(file, 'utf8')) as unknown,
  }));
}

export function readRegistry(contentDir = CONTENT_DIR) {
  const problems: string[] = [];
  const townships = parseEach(Township, listEntries(join(contentDir, 'townships'), problems), problems);
  const units = parseEach(Unit, fileEntries(join(contentDir, 'units')), problems);
  const families = parseEach(FamilyAggregate, listEntries(join(contentDir, 'families'), problems), problems);
  const known = new Set(townships.map((t) => t.id));
  for (const u of units) {
    if (!known.has(u.township)) problems.push(`${join(contentDir, 'units', u.id)}.yaml › township: unknown township "${u.township}"`);
  }
  for (const f of families) {
    if (!known.has(f.township)) problems.push(`${join(contentDir, 'families')} › ${f.id}.township: unknown township "${f.township}"`);
  }
  if (problems.length) throw new ContentError(problems);
  return { townships, units, families };
}
