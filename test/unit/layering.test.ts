import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { ESLint } from 'eslint';

// The layering rule lives in eslint.config.mjs; these tests prove it bites, and that core obeys it.
const cwd = new URL('../..', import.meta.url).pathname;
// Snippets are linted under made-up paths, which no tsconfig holds: the import rules need no
// types, so the type-aware rules are switched off for them (and proven separately below).
const eslint = new ESLint({
  cwd,
  overrideConfig: [
    {
      files: ['**/*.ts'],
      languageOptions: { parserOptions: { projectService: false, project: null } },
      rules: { '@typescript-eslint/no-floating-promises': 'off', '@typescript-eslint/no-misused-promises': 'off', '@typescript-eslint/switch-exhaustiveness-check': 'off' },
    },
  ],
});

async function ruleIds(code: string, filePath: string): Promise<string[]> {
  const [result] = await eslint.lintText(code, { filePath });
  return (result?.messages ?? []).map((message) => message.ruleId ?? message.message);
}

describe('layering', () => {
  test('src/core may not import vscode, host code, or Node built-ins', async () => {
    assert.ok((await ruleIds(`import * as vscode from 'vscode';\nexport const x = vscode;\n`, 'src/core/bad.ts')).includes('no-restricted-imports'));
    assert.ok((await ruleIds(`import { COMMANDS } from '../host/commandIds.ts';\nexport const x = COMMANDS;\n`, 'src/core/bad.ts')).includes('no-restricted-imports'));
    assert.ok((await ruleIds(`import { readFileSync } from 'node:fs';\nexport const x = readFileSync;\n`, 'src/core/bad.ts')).includes('no-restricted-imports'));
    assert.ok((await ruleIds(`import type { ExtensionContext } from 'vscode';\nexport type X = ExtensionContext;\n`, 'src/core/bad.ts')).includes('no-restricted-imports'));
  });

  test('a folder inside src/core (guidance/) may reach the rest of core, and no further', async () => {
    assert.deepEqual(await ruleIds(`import type { Locale } from '../types.ts';\nexport type X = Locale;\n`, 'src/core/guidance/ok.ts'), []);
    assert.ok((await ruleIds(`import { COMMANDS } from '../../host/commandIds.ts';\nexport const x = COMMANDS;\n`, 'src/core/guidance/bad.ts')).includes('no-restricted-imports'));
    assert.ok((await ruleIds(`import * as vscode from 'vscode';\nexport const x = vscode;\n`, 'src/core/guidance/bad.ts')).includes('no-restricted-imports'));
    assert.ok((await ruleIds(`import { readFileSync } from 'node:fs';\nexport const x = readFileSync;\n`, 'src/core/guidance/bad.ts')).includes('no-restricted-imports'));
  });

  test('src/host/state is pure: no vscode, no other host folder; core is fine', async () => {
    assert.ok((await ruleIds(`import * as vscode from 'vscode';\nexport const x = vscode;\n`, 'src/host/state/bad.ts')).includes('no-restricted-imports'));
    assert.ok((await ruleIds(`import { BadgeActions } from '../send/badgeActions.ts';\nexport const x = BadgeActions;\n`, 'src/host/state/bad.ts')).includes('no-restricted-imports'));
    assert.ok((await ruleIds(`import { COMMANDS } from '../commandIds.ts';\nexport const x = COMMANDS;\n`, 'src/host/state/bad.ts')).includes('no-restricted-imports'));
    assert.deepEqual(await ruleIds(`import { addToHistory } from '../../core/badgeState.ts';\nexport const x = addToHistory;\n`, 'src/host/state/ok.ts'), []);
  });

  test('host/ui and host/form do not reach into state or the client cache (types are fine)', async () => {
    assert.ok((await ruleIds(`import { HistoryStore } from '../state/history.ts';\nexport const x = new HistoryStore({ get: () => undefined, update: () => undefined });\n`, 'src/host/ui/bad.ts')).includes('no-restricted-imports'));
    assert.ok((await ruleIds(`import { ClientCache } from '../send/clients.ts';\nexport const x = ClientCache;\n`, 'src/host/form/bad.ts')).includes('no-restricted-imports'));
    assert.deepEqual(await ruleIds(`import type { HistoryStore } from '../state/history.ts';\nexport type X = HistoryStore;\n`, 'src/host/ui/ok.ts'), []);
    assert.deepEqual(await ruleIds(`import type { BadgeActions } from '../send/badgeActions.ts';\nexport type X = BadgeActions;\n`, 'src/host/form/ok.ts'), []);
  });

  test('the same imports are fine in the host layer', async () => {
    assert.deepEqual(await ruleIds(`import * as vscode from 'vscode';\nexport const x = vscode;\n`, 'src/host/ok.ts'), []);
  });

  test('type-aware rules on shipped code: floating and misused promises, and a switch missing a case', async () => {
    // A real file of the project, so the project service has its types; the text is the snippet.
    const typed = new ESLint({ cwd });
    const lint = async (code: string): Promise<string[]> => {
      const [result] = await typed.lintText(code, { filePath: 'src/host/safeLog.ts' });
      return (result?.messages ?? []).map((message) => message.ruleId ?? message.message);
    };
    const floating = await lint(`export async function f(): Promise<void> {}\nexport function g(): void {\n  f();\n}\n`);
    assert.ok(floating.includes('@typescript-eslint/no-floating-promises'), floating.join(', '));
    const misused = await lint(`export function h(run: () => void): void {\n  run();\n}\nh(async () => {});\n`);
    assert.ok(misused.includes('@typescript-eslint/no-misused-promises'), misused.join(', '));
    const partial = await lint(`export function k(x: 'a' | 'b'): number {\n  switch (x) {\n    case 'a':\n      return 1;\n  }\n  return 0;\n}\n`);
    assert.ok(partial.includes('@typescript-eslint/switch-exhaustiveness-check'), partial.join(', '));
    assert.deepEqual(await lint(`export async function f(): Promise<void> {}\nexport function g(): void {\n  void f();\n}\n`), []);
  });

  test('every file in src/core passes the rule today', async () => {
    const dir = new URL('../../src/core/', import.meta.url);
    for (const file of readdirSync(dir, { recursive: true, encoding: 'utf8' }).filter((name) => name.endsWith('.ts'))) {
      const ids = await ruleIds(readFileSync(new URL(file, dir), 'utf8'), `src/core/${file}`);
      assert.equal(ids.includes('no-restricted-imports'), false, file);
    }
  });
});
