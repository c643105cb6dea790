import { cpSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, test } from 'vitest';
import { CONTENT_DIR, ContentError, readCity } from '../../src/content/files.ts';
import { City } from '../../src/domain/city/schema.ts';
import { messages } from '../../src/i18n/zh-CN/index.ts';
import { commissionContact, operatorName, siteFullName, siteName } from '../../src/i18n/city.ts';

const city = readCity();

describe('the city as data (content/city.yaml)', () => {
  test('the demo city validates, is labelled fictional, and its logo is a file under public/', () => {
    expect(city).toMatchObject({ name: '青岚市', shortName: '青岚', fictional: true, logo: '/city-logo.svg' });
    expect(operatorName(city)).toBe('青岚市纪委监委（虚构）');
    expect(commissionContact(city)).toContain('电话：0000-1234567');
  });

  test('no message names the city: every name is filled in from the settings', () => {
    const naming = Object.entries(messages).filter(([, text]) =>
      [city.name, city.shortName, city.commission.name, city.operator].some((n) => text.includes(n)),
    );
    expect(naming).toEqual([]);
    const other = City.parse({
      name: '临江市',
      shortName: '临江',
      commission: { name: '临江市纪委监委', address: '临江市江滨路 8 号', phone: '0571-88888888' },
      operator: '临江市纪委监委',
    });
    expect([siteName(other), siteFullName(other), operatorName(other)]).toEqual([
      '临江清廉',
      '临江市"六个清廉"公开与监督平台',
      '临江市纪委监委',
    ]);
  });

  describe('a bad file stops the reader with the field named', () => {
    let root = '';
    afterEach(() => rmSync(root, { recursive: true, force: true }));
    const problemsOf = (yaml: string | null): string[] => {
      root = mkdtempSync(join(tmpdir(), 'city-'));
      cpSync(join(CONTENT_DIR, '..', 'public'), join(root, 'public'), { recursive: true });
      const dir = join(root, 'content');
      cpSync(join(CONTENT_DIR, 'townships'), join(dir, 'townships'), { recursive: true });
      if (yaml !== null) writeFileSync(join(dir, 'city.yaml'), yaml);
      try {
        readCity(dir);
      } catch (e) {
        if (e instanceof ContentError) return e.problems;
        throw e;
      }
      return [];
    };
    const good = `name: 临江市\nshortName: 临江\ncommission: { name: 临江市纪委监委, address: 临江市江滨路 8 号, phone: 0571-88888888 }\noperator: 临江市纪委监委\n`;

    test.each([
      ['a valid file', good, []],
      ['no file', null, [/^content\/city\.yaml › \(file\): missing/]],
      ['no name', good.replace('name: 临江市\n', ''), [/^content\/city\.yaml › name: /]],
      ['a typo in a key', `${good}operater: x\n`, [/^content\/city\.yaml › \(entry\): .*operater/]],
      ['a phone with letters', good.replace('0571-88888888', 'call us'), [/› commission\.phone: /]],
      ['a logo outside public/', `${good}logo: ../secret.svg\n`, [/› logo: /]],
      ['a logo that is not there', `${good}logo: /no-such-logo.png\n`, [/› logo: no file public\/no-such-logo\.png/]],
    ])('%s', (_name, yaml, expected) => {
      const problems = problemsOf(yaml);
      expect(problems).toHaveLength(expected.length);
      expected.forEach((re, i) => expect(problems[i]).toMatch(re));
    });
  });
});
