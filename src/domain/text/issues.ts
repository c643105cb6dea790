/**
 * zod issues of content files (disclosures, units, families, standards, official figures) as message keys.
 */

/** A problem: where in the file, a message key, its values (the shape of the disclosures' `Problem`). */
export interface IssueProblem {
  path: (string | number)[];
  message: string;
  vars?: Record<string, string | number>;
}

const problem = (path: (string | number)[], message: string, vars?: Record<string, string | number>): IssueProblem =>
  vars ? { path, message, vars } : { path, message };

/** The parts of a zod issue the zh-CN explanation needs (zod 4's `$ZodIssue`, structurally). */
interface SchemaIssue {
  code: string;
  message: string;
  path: readonly PropertyKey[];
  keys?: readonly string[];
  values?: readonly unknown[];
  expected?: unknown;
  minimum?: unknown;
  maximum?: unknown;
  origin?: unknown;
}

/** Our own messages are keys (`disclosures.amount.negative`, `units.slug.invalid`); zod's defaults are English sentences. */
const isKey = (message: string) => /^[a-z][A-Za-z]*(\.[\w-]+)+$/.test(message);

/**
 * A zod issue as a problem with a zh-CN message key: the schema's own key when it gave one, otherwise a key per
 * zod issue code (`common.schema.unrecognizedKeys` names the unknown fields, …), so every content validation
 * message reads in zh-CN — including unknown keys, wrong types and values outside a list. (The API's field errors
 * have their own mapping, src/services/fields.ts.)
 */
export function issueProblem(i: SchemaIssue): IssueProblem {
  const path = i.path.map((p) => (typeof p === 'number' ? p : String(p)));
  if (isKey(i.message)) return { path, message: i.message };
  const size = (bound: unknown) => (typeof bound === 'number' || typeof bound === 'bigint' ? String(bound) : '');
  switch (i.code) {
    case 'unrecognized_keys':
      return problem(path, 'common.schema.unrecognizedKeys', { keys: (i.keys ?? []).join('、') });
    case 'invalid_type':
      return i.message.includes('received undefined')
        ? problem(path, 'common.schema.required')
        : problem(path, 'common.schema.invalidType', { expected: String(i.expected) });
    case 'invalid_value':
      return problem(path, 'common.schema.invalidValue', {
        values: (i.values ?? []).map((v) => String(v)).join('、'),
      });
    case 'too_small':
      return problem(
        path,
        `common.schema.tooSmall.${i.origin === 'string' ? 'string' : i.origin === 'array' ? 'array' : 'number'}`,
        {
          minimum: size(i.minimum),
        },
      );
    case 'too_big':
      return problem(
        path,
        `common.schema.tooBig.${i.origin === 'string' ? 'string' : i.origin === 'array' ? 'array' : 'number'}`,
        {
          maximum: size(i.maximum),
        },
      );
    case 'invalid_format':
      return problem(path, 'common.schema.invalidFormat');
    case 'invalid_union':
      return problem(path, 'common.schema.invalidUnion');
    case 'not_multiple_of':
      return problem(path, 'common.schema.notMultipleOf');
    default:
      return problem(path, 'common.schema.invalid');
  }
}
