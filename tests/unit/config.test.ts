import { describe, expect, test } from 'vitest';
import { ConfigError, loadConfig } from '../../src/lib/config.ts';

describe('loadConfig', () => {
  test('defaults to the embedded database on port 4321', () => {
    const c = loadConfig({});
    expect(c).toMatchObject({ PORT: 4321, HOST: 'localhost', DATABASE_URL: 'file:db/local.db', DEMO: true });
    expect(Object.isFrozen(c)).toBe(true);
  });
  test('parses strings from the environment', () => {
    expect(loadConfig({ PORT: '8080', DEMO: 'false', TRUST_PROXY: 'true' })).toMatchObject({
      PORT: 8080,
      DEMO: false,
      TRUST_PROXY: true,
    });
  });
  test('lists every bad variable at once', () => {
    let error: unknown;
    try {
      loadConfig({ PORT: 'eighty', DATABASE_URL: 'postgres://x', DEMO: 'maybe' });
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(ConfigError);
    const problems = (error as ConfigError).problems.join('\n');
    expect(problems).toMatch(/^PORT:/m);
    expect(problems).toMatch(/^DATABASE_URL:/m);
    expect(problems).toMatch(/^DEMO:/m);
  });
});
