import { readFileSync } from 'node:fs';
import { describe, expect, test } from 'vitest';
import { SERVE_NODE_FLAGS } from '../support/server.ts';

/** The servers tests and benchmarks start run with the same Node flags as `npm start` and `npm run serve`. */
describe('server Node flags', () => {
  test('package.json start and serve scripts pass SERVE_NODE_FLAGS', () => {
    const { scripts } = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as {
      scripts: Record<string, string>;
    };
    for (const name of ['start', 'serve'])
      expect(scripts[name], name).toMatch(new RegExp(`^exec node ${SERVE_NODE_FLAGS.join(' ')} `));
  });
});
