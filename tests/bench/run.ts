import { feedbackPost } from './feedback-post.ts';

/**
 * `npm run bench`: a list of benchmarks, each reporting metrics as ratios to a baseline measured in the
 * same run on the same machine (absolute numbers vary too much between machines to compare). Add an
 * entry to `benchmarks` to add one. Exit code 1 when a benchmark's own pass condition fails.
 */
export interface BenchResult {
  metrics: Record<string, number>;
  pass: boolean;
  note?: string;
}
export interface Benchmark {
  name: string;
  run(): Promise<BenchResult>;
}

export const benchmarks: Benchmark[] = [feedbackPost];

async function main(only: string | undefined): Promise<void> {
  let failed = false;
  for (const b of benchmarks.filter((x) => !only || x.name.includes(only))) {
    process.stdout.write(`\n## ${b.name}\n`);
    const r = await b.run();
    for (const [k, v] of Object.entries(r.metrics)) process.stdout.write(`  ${k.padEnd(62)} ${Number.isInteger(v) ? v : v.toFixed(2)}\n`);
    if (r.note) process.stdout.write(`  (${r.note})\n`);
    process.stdout.write(`  ${r.pass ? 'PASS' : 'FAIL'}\n`);
    failed ||= !r.pass;
  }
  process.exit(failed ? 1 : 0);
}

if (import.meta.main) {
  main(process.argv[2]).catch((e: unknown) => {
    process.stderr.write(`${e instanceof Error ? (e.stack ?? e.message) : String(e)}\n`);
    process.exit(1);
  });
}
