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

// A folder inside src/core (src/core/guidance/) reaches the rest of core through '../', so only
// '../../' leaves it.
export const coreFolderRestrictions = {
  paths: coreRestrictions.paths,
  patterns: [
    { group: ['../../*', '../../../*'], message: 'src/core must not import from outside src/core.' },
    coreRestrictions.patterns[1],
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
      // Patterns read like .gitignore: a file in an excluded folder cannot be let back in, so the
      // guidance folder is let in and then closed again but for its public file. `**/` holds the
      // files in folders below src/webview (sections/) to the same rule as those at its top.
      group: ['**/core/*', '!**/core/schema.ts', '!**/core/messages.ts', '!**/core/types.ts', '!**/core/result.ts', '!**/core/badgeState.ts', '!**/core/guidance', '**/core/guidance/*', '!**/core/guidance/guidance.ts'],
      message: 'The webview may use only the pure core modules: schema, messages, types, result, badgeState, guidance/guidance.',
    },
  ],
};

// src/host/state keeps data through a key-value store (globalState in the extension, a Map in
// tests): no VS Code API and no other host folder, so it runs in plain Node.
export const hostStateRestrictions = {
  paths: [{ name: 'vscode', message: 'src/host/state works over KeyValueStore: no VS Code API, so it is tested in plain Node.' }],
  patterns: [{ regex: '^\\.\\./(?!\\.\\./core/)', message: 'src/host/state may use src/core and its own folder only.' }],
};

// The status bar, notifications and the form follow BadgeActions' events and use the stores they
// are handed: they never build state stores or clients themselves (types are fine).
export const hostSurfaceRestrictions = {
  patterns: [
    { regex: '^\\.\\./state/', allowTypeImports: true, message: 'UI and form code read state through what they are handed, not by reaching into src/host/state.' },
    { regex: '^\\.\\./send/(clients|badgeService)\\.ts$', allowTypeImports: true, message: 'UI and form code send through BadgeActions, not the client cache or the service.' },
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
    // Type-aware checks on the shipped code: an unawaited promise, a promise where a callback
    // expects void, and a switch that forgets a case are bugs the compiler does not report.
    files: ['src/**/*.ts'],
    languageOptions: { parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname } },
    rules: {
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/no-misused-promises': 'error',
      '@typescript-eslint/switch-exhaustiveness-check': ['error', { considerDefaultExhaustiveForUnions: true }],
    },
  },
  {
    // The webview has its own tsconfig (DOM lib, no Node types).
    files: ['src/webview/**/*.ts'],
    languageOptions: { parserOptions: { projectService: false, project: ['./tsconfig.webview.json'], tsconfigRootDir: import.meta.dirname } },
  },
  {
    files: ['src/core/**/*.ts'],
    rules: { 'no-restricted-imports': ['error', coreRestrictions] },
  },
  {
    files: ['src/core/*/**/*.ts'],
    rules: { 'no-restricted-imports': ['error', coreFolderRestrictions] },
  },
  {
    files: ['src/webview/**/*.ts'],
    rules: { 'no-restricted-imports': ['error', webviewRestrictions], 'no-restricted-syntax': ['error', ...webviewNoMarkup] },
  },
  {
    files: ['src/host/state/**/*.ts'],
    rules: { 'no-restricted-imports': ['error', hostStateRestrictions] },
  },
  {
    files: ['src/host/ui/**/*.ts', 'src/host/form/**/*.ts'],
    rules: { 'no-restricted-imports': ['error', hostSurfaceRestrictions] },
  },
  {
    files: ['**/*.mjs', 'test/**/*.ts'],
    languageOptions: { globals: { process: 'readonly', console: 'readonly', setTimeout: 'readonly', clearTimeout: 'readonly', URL: 'readonly', fetch: 'readonly', performance: 'readonly' } },
  },
);
