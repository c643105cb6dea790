import { ContentError, readRegistry } from '../content-files.ts';

/**
 * `npm run check:content`: validate everything in content/ against the domain rules without a
 * full build. Exit 1 with one `file › field: reason` line per problem.
 */
try {
  const { townships, units, families } = readRegistry();
  process.stdout.write(`content ok: ${townships.length} townships, ${units.length} units, ${families.length} family aggregates\n`);
} catch (e) {
  if (e instanceof ContentError) {
    process.stderr.write(`${e.message}\n`);
    process.exit(1);
  }
  throw e;
}
