import { getEntry } from 'astro:content';
import type { City } from '../domain/city/schema.ts';

/** The city as pages use it (Astro collections adapter; content/city.yaml was validated at load). */
export async function siteCity(): Promise<City> {
  const entry = await getEntry('city', 'city');
  if (!entry) throw new Error('content/city.yaml › (file): missing');
  return entry.data;
}
