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

// The webview is a browser bundle: it talks to the host only through shared/protocol.ts and may
// use the pure core modules (the same schema and messages the host uses), nothing else.
export const webviewRestrictions = {
  paths: [{ name: 'vscode', message: 'The webview cannot use the VS Code API: post a message (src/shared/protocol.ts).' }],
  patterns: [
    { group: ['**/host', '**/host/*', '**/extension', '**/extension.ts'], message: 'The webview must not import host code: post a message (src/shared/protocol.ts).' },
    { group: ['node:*', 'fs', 'path', 'http', 'https', 'child_process', 'os', 'crypto'], message: 'The webview runs in a browser: no Node built-ins.' },
    {
      group: ['../core/*', '!../core/schema.ts', '!../core/messages.ts', '!../core/types.ts', '!../core/result.ts', '!../core/catalog.ts'],
      message: 'The webview may use only the pure core modules: schema, messages, types, result, catalog.',
    },
  ],
};

// Server text reaches the form; it must only ever become text nodes.
const webviewNoMarkup = [
  { selector: "AssignmentExpression[left.property.name=/^(innerHTML|outerHTML)$/]", message: 'Set textContent (or build nodes with dom.ts), never HTML.' },
  { selector: 'CallExpression[callee.property.name=/^(insertAdjacentHTML|createContextualFragment|setHTMLUnsafe|parseHTMLUnsafe)$/]', message: 'No HTML parsing in the webview.' },
  { selector: "CallExpression[callee.object.name='document'][callee.property.name=/^write(ln)?$/]", message: 'No document.write in the webview.' },
  { selector: "CallExpression[callee.name=/^(eval|Function)$/], NewExpression[callee.name='Function']", message: 'The CSP forbids eval.' },
];

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
    files: ['src/webview/**/*.ts'],
    rules: { 'no-restricted-imports': ['error', webviewRestrictions], 'no-restricted-syntax': ['error', ...webviewNoMarkup] },
  },
  {
    files: ['**/*.mjs', 'test/**/*.ts'],
    languageOptions: { globals: { process: 'readonly', console: 'readonly', setTimeout: 'readonly', clearTimeout: 'readonly', URL: 'readonly', fetch: 'readonly', performance: 'readonly' } },
  },
);
