import { defineCollection } from 'astro:content';
import { file, glob } from 'astro/loaders';
import { FamilyAggregate, Township, Unit } from './domain/units/schema.ts';

// Collections read what clerks publish in content/. Their schemas come from src/domain, so the
// seed, the API and the tests validate exactly the same rules.
const townships = defineCollection({
  loader: file('./content/townships/townships.yaml'),
  schema: Township,
});

const units = defineCollection({
  loader: glob({ base: './content/units', pattern: '*.yaml' }),
  schema: Unit,
});

const families = defineCollection({
  loader: file('./content/families/families.yaml'),
  schema: FamilyAggregate,
});

export const collections = { townships, units, families };
