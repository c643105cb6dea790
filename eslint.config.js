// @ts-check
// ESLint flat config: typescript-eslint's strict type-checked rules for .ts files and for the
// frontmatter and template expressions of .astro files, plus eslint-plugin-astro's recommended rules.
import js from '@eslint/js';
import astro from 'eslint-plugin-astro';
import { defineConfig, globalIgnores } from 'eslint/config';
import tseslint from 'typescript-eslint';

export default defineConfig(
  // Same idea as .prettierignore: generated output, data and vendored files are not linted.
  globalIgnores([
    'dist/',
    'db/builds/',
    '.astro/',
    'node_modules/',
    'tests/.artifacts/',
    'db/migrations/',
    'content/',
    'vendor/',
  ]),
  js.configs.recommended,
  tseslint.configs.strictTypeChecked,
  astro.configs.recommended,
  {
    languageOptions: {
      // Build-time constants from astro.config.mjs `define` (declared in src/env.d.ts).
      globals: { __DEMO__: 'readonly' },
      parserOptions: {
        projectService: true,
        tsconfigRootDir: import.meta.dirname,
        extraFileExtensions: ['.astro'],
      },
    },
    linterOptions: { reportUnusedDisableDirectives: 'error' },
    rules: {
      // Every `switch` over a union (outcome reasons, disclosure kinds, measure kinds) names every member,
      // even when it has a `default`, so that a new member is reported at each place that must handle it;
      // a switch over a plain string or number needs a `default`.
      '@typescript-eslint/switch-exhaustiveness-check': [
        'error',
        { considerDefaultExhaustiveForUnions: false, requireDefaultForNonUnion: true },
      ],
      // Numbers and booleans in template literals are what messages and URLs are made of here;
      // objects, arrays, null and undefined are still reported.
      '@typescript-eslint/restrict-template-expressions': [
        'error',
        { allowNumber: true, allowBoolean: true, allowNullish: false, allowAny: false, allowRegExp: false },
      ],
      // Concise arrow callbacks (`() => resolve()`, `(e) => errors.push(e)`) are how this codebase writes
      // handlers; a void value used anywhere else is still reported.
      '@typescript-eslint/no-confusing-void-expression': ['error', { ignoreArrowShorthand: true }],
      // libsql types every raw column value as `Value`, which includes ArrayBuffer for BLOB columns; the
      // schema has none, so `String(row.x)` on a raw row is safe. Other objects are still reported.
      '@typescript-eslint/no-base-to-string': [
        'error',
        { ignoredTypeNames: ['Error', 'RegExp', 'URL', 'URLSearchParams', 'ArrayBuffer'] },
      ],
      // Async methods that implement an async interface (Astro loaders, benchmark targets, test doubles)
      // often have nothing to await; unhandled and misused promises are still reported by other rules.
      '@typescript-eslint/require-await': 'off',
      // noUncheckedIndexedAccess types every `xs[i]` as possibly undefined; where a preceding length or
      // key check proves it present, `!` is the honest way to say so.
      '@typescript-eslint/no-non-null-assertion': 'off',
      // Unused names with a leading underscore are deliberate (positional parameters, skipped tuple items).
      '@typescript-eslint/no-unused-vars': [
        'error',
        { argsIgnorePattern: '^_', varsIgnorePattern: '^_', caughtErrorsIgnorePattern: '^_', ignoreRestSiblings: true },
      ],
    },
  },
  {
    // astro-eslint-parser does not support the project service (it falls back to `project: true` with a
    // warning per file), so .astro files say so themselves: their types come from tsconfig.json, and
    // src/jsx.d.ts gives their template elements a type.
    files: ['**/*.astro'],
    languageOptions: { parserOptions: { projectService: false, project: true } },
  },
  {
    // Client-side <script> blocks of .astro files arrive as virtual files without type information.
    files: ['**/*.astro/*.ts', '**/*.astro/*.js'],
    extends: [tseslint.configs.disableTypeChecked],
  },
);
