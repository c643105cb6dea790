import { loadavg } from 'node:os';
import { median, summarize, type BenchResult } from './harness.ts';
import { isTargetSize, scoringSize } from './scoring.ts';
import { PUBLISH_TARGET_SECONDS, publishRounds } from './publish-live.ts';

/**
 * The targets table of issue 15, filled from this run's results: each line says what was measured and
 * whether the target was met, or that its benchmark did not run (BENCH_ONLY). Nothing is assumed.
 */
export function targetTable(results: BenchResult[], log: (line: string) => void): void {
  const ratio = (r: BenchResult) => summarize(r.subject).rate / summarize(r.baseline).rate;
  const failures = (r: BenchResult) => r.subject.reduce((n, m) => n + m.failures, 0);
  const rows: string[][] = [['what', 'measured', 'target', 'met']];
  const cached = results.filter((r) => r.bench.name.startsWith('cached '));
  for (const r of cached) {
    const s = summarize(r.subject);
    const ok = ratio(r) >= 0.5 && s.p99 <= 10 && failures(r) === 0;
    rows.push([
      r.bench.name,
      `${ratio(r).toFixed(2)}× rate, p99 ${s.p99.toFixed(2)} ms${failures(r) ? `, ${String(failures(r))} failures` : ''}`,
      '≥ 0.5×, p99 ≤ 10 ms',
      ok ? 'yes' : 'NO',
    ]);
  }
  if (!cached.length) rows.push(['cached public reads', 'not run', '≥ 0.5×, p99 ≤ 10 ms', '-']);
  const first = results.filter((r) => r.bench.name.startsWith('first read after a write'));
  for (const r of first) {
    const s = summarize(r.subject);
    rows.push([
      r.bench.name,
      `p50 ${s.p50.toFixed(2)} ms, p99 ${s.p99.toFixed(2)} ms, ${String(failures(r))} stale of ${String(r.subject.reduce((n, m) => n + m.count + m.failures, 0))}`,
      'correct; report latency',
      failures(r) === 0 ? 'yes (correct)' : 'NO',
    ]);
  }
  if (!first.length) rows.push(['first read after a write', 'not run', 'correct; report latency', '-']);
  const post = results.find((r) => r.bench.name.startsWith('feedback POST'));
  rows.push(
    post
      ? [
          'feedback POST',
          `${ratio(post).toFixed(2)}× (per-round median ${median(post.subject.map((m, i) => m.rate / (post.baseline[i]?.rate ?? Number.NaN))).toFixed(2)}×), ${String(failures(post))} lost or failed`,
          '≥ 0.5×, 0 lost',
          ratio(post) >= 0.5 && failures(post) === 0 ? 'yes' : 'NO',
        ]
      : ['feedback POST', 'not run', '≥ 0.5×, 0 lost', '-'],
  );
  const build = results.find((r) => r.bench.name.startsWith('build '));
  rows.push(
    build
      ? [
          'full build of 5,000 disclosures',
          `${ratio(build).toFixed(2)}× bare Astro`,
          '≥ 0.5×',
          ratio(build) >= 0.5 ? 'yes' : 'NO',
        ]
      : ['full build of 5,000 disclosures', 'not run', '≥ 0.5×', '-'],
  );
  // Rates are pages/s over the same pages: the time ratio is the inverse of the rate ratio.
  const incremental = results.find((r) => r.bench.name.startsWith('incremental build'));
  rows.push(
    incremental
      ? [
          'incremental build after one changed disclosure',
          `${(1 / ratio(incremental)).toFixed(2)}× the full build's time (${(summarize(incremental.subject).p50 / 1000).toFixed(1)} s vs ${(summarize(incremental.baseline).p50 / 1000).toFixed(1)} s)`,
          '≤ 0.2× full',
          1 / ratio(incremental) <= 0.2 ? 'yes' : 'NO',
        ]
      : ['incremental build after one changed disclosure', 'not run', '≤ 0.2× full', '-'],
  );
  // Issue 12: every round's approval must be live (request `live` and permalink 200) within the target; the worst counts.
  const publish = results.find((r) => r.bench.name.startsWith('publish to live'));
  const publishTarget = `≤ ${String(PUBLISH_TARGET_SECONDS)} s`;
  if (publish && publishRounds.length) {
    const worst = (f: (r: (typeof publishRounds)[number]) => number) => Math.max(...publishRounds.map(f));
    const slowest = Math.max(
      worst((r) => r.liveSeconds),
      worst((r) => r.servedSeconds),
    );
    const compressed = publishRounds.map((r) => `${String(r.compressed)}/${String(r.precompressed)}`).join(', ');
    rows.push([
      'publish to live at 5,000 disclosures',
      `live ${worst((r) => r.liveSeconds).toFixed(1)} s, permalink 200 ${worst((r) => r.servedSeconds).toFixed(1)} s, search index ${worst((r) => r.indexedSeconds).toFixed(1)} s (worst of ${String(publishRounds.length)}; full build ${(summarize(publish.baseline).p50 / 1000).toFixed(1)} s); compressed ${compressed} files`,
      publishTarget,
      slowest <= PUBLISH_TARGET_SECONDS ? 'yes' : 'NO',
    ]);
  } else rows.push(['publish to live at 5,000 disclosures', 'not run', publishTarget, '-']);
  // Not the cached scoring pages ("cached /scoring/…"): the scoring benchmark itself, met only at the target size.
  const scoring = results.find((r) => r.bench.name.startsWith('scoring '));
  const size = scoringSize();
  const scoringTarget = '< 1 s at 10,000 units × 5M answers';
  if (scoring) {
    const p50 = summarize(scoring.subject).p50;
    const atTarget = isTargetSize(size);
    rows.push([
      `scoring ${size.units.toLocaleString('en-US')} units over ${(size.answers / 1e6).toLocaleString('en-US')}M answers, ${(size.feedback / 1e6).toLocaleString('en-US')}M feedback items`,
      `${p50.toFixed(0)} ms p50 (aggregation + interpretation)`,
      scoringTarget,
      atTarget ? (p50 < 1000 ? 'yes' : 'NO') : '- (not the target size: BENCH_SCORING_SCALE)',
    ]);
  } else rows.push(['scoring 10,000 units over 5M answers', 'not run', scoringTarget, '-']);
  const widths = rows[0]!.map((_, c) => Math.max(...rows.map((row) => (row[c] ?? '').length)));
  log(
    `\nIssue 15 targets (this run; load average ${loadavg()
      .map((n) => n.toFixed(2))
      .join(' ')})`,
  );
  for (const [i, row] of rows.entries()) {
    log(
      `  ${row
        .map((cell, c) => cell.padEnd(widths[c]!))
        .join('  ')
        .trimEnd()}`,
    );
    if (i === 0) log(`  ${widths.map((w) => '-'.repeat(w)).join('  ')}`);
  }
}
