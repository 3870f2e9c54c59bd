// ESLint (flat config): typescript-eslint's recommended rules on every TypeScript and JavaScript source.
// Formatting is Prettier's: eslint-config-prettier turns off the rules it owns. `npm test` runs both with
// zero warnings allowed (`npm run lint`).
import js from '@eslint/js';
import prettier from 'eslint-config-prettier';
import tseslint from 'typescript-eslint';
import globals from 'globals';

export default tseslint.config(
  { ignores: ['**/node_modules/**', '**/dist/**', '**/cdk.out/**', '**/*.d.ts', 'tarmac.out/**', 'coverage/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: { ecmaVersion: 2022, globals: { ...globals.node } },
    linterOptions: { reportUnusedDisableDirectives: 'error' },
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_', caughtErrors: 'none' }],
      // A package's own version is read from its package.json, which lies outside the compiled rootDir.
      '@typescript-eslint/no-require-imports': ['error', { allow: ['/package\\.json$'] }],
    },
  },
  // Scripts and bins are CommonJS run by node.
  { files: ['**/*.js'], languageOptions: { sourceType: 'commonjs' }, rules: { '@typescript-eslint/no-require-imports': 'off' } },
  // Tests read untyped JSON (reports, templates, SARIF), load modules as a user would, and match terminal escapes.
  {
    files: ['**/*.test.ts', '**/__tests__/**', 'test/**'],
    rules: { '@typescript-eslint/no-explicit-any': 'off', '@typescript-eslint/no-require-imports': 'off', 'no-control-regex': 'off' },
  },
  prettier,
);
