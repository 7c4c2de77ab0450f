// Lint config. Besides style, it enforces the layering: src/core is pure TypeScript that never
// imports `vscode` or reaches outside src/core, so it runs unchanged in tests, benchmarks and hosts.
import js from '@eslint/js';
import tseslint from 'typescript-eslint';

export const coreRestrictions = {
  paths: [{ name: 'vscode', message: 'src/core must not depend on VS Code: put host code in src/host.' }],
  patterns: [
    { group: ['../*', '../../*'], message: 'src/core must not import from outside src/core.' },
    { group: ['node:*', 'fs', 'path', 'http', 'https', 'child_process', 'os'], message: 'src/core stays free of Node-only APIs so the webview can share it.' },
  ],
};

export default tseslint.config(
  { ignores: ['dist/**', 'out/**', 'node_modules/**', '.test-runs/**', '.cache/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    files: ['**/*.ts'],
    languageOptions: { parserOptions: { projectService: false } },
    rules: {
      '@typescript-eslint/consistent-type-imports': 'error',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', ignoreRestSiblings: true }],
      eqeqeq: 'error',
    },
  },
  {
    files: ['src/core/**/*.ts'],
    rules: { 'no-restricted-imports': ['error', coreRestrictions] },
  },
  {
    files: ['**/*.mjs', 'test/**/*.ts'],
    languageOptions: { globals: { process: 'readonly', console: 'readonly', setTimeout: 'readonly', clearTimeout: 'readonly', URL: 'readonly', fetch: 'readonly', performance: 'readonly' } },
  },
);
