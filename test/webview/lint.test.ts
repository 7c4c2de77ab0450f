// The webview's boundary is checked by the linter (eslint.config.mjs); these prove the rules bite.
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { describe, test } from 'node:test';
import { ESLint } from 'eslint';

// Snippets are linted under made-up paths, which no tsconfig holds: the rules proven here need no
// types, so the type-aware parsing and rules are switched off (as in test/unit/layering.test.ts).
const eslint = new ESLint({
  cwd: new URL('../..', import.meta.url).pathname,
  overrideConfig: [
    {
      files: ['**/*.ts'],
      languageOptions: { parserOptions: { projectService: false, project: null } },
      rules: { '@typescript-eslint/no-floating-promises': 'off', '@typescript-eslint/no-misused-promises': 'off', '@typescript-eslint/switch-exhaustiveness-check': 'off' },
    },
  ],
});

async function ruleIds(code: string, filePath = 'src/webview/bad.ts'): Promise<string[]> {
  const [result] = await eslint.lintText(code, { filePath });
  return (result?.messages ?? []).map((message) => message.ruleId ?? message.message);
}

describe('webview lint rules', () => {
  test('no vscode, host code, Node built-ins or impure core modules', async () => {
    for (const code of [
      `import * as vscode from 'vscode';\nexport const x = vscode;\n`,
      `import type { Webview } from 'vscode';\nexport type X = Webview;\n`,
      `import { COMMANDS } from '../host/commandIds.ts';\nexport const x = COMMANDS;\n`,
      `import { readFileSync } from 'node:fs';\nexport const x = readFileSync;\n`,
      `import { createHttpTransport } from '../core/http.ts';\nexport const x = createHttpTransport;\n`,
      `import { BADGE_ENTRIES } from '../core/guidance/badgeCodes.ts';\nexport const x = BADGE_ENTRIES;\n`,
    ]) {
      assert.ok((await ruleIds(code)).includes('no-restricted-imports'), code);
    }
  });

  test('the pure core modules and shared/ are allowed', async () => {
    const code = `import { validateBadge } from '../core/schema.ts';\nimport { formatMessage } from '../core/messages.ts';\nimport type { Guidance } from '../core/guidance/guidance.ts';\nimport { draftToInput } from '../shared/protocol.ts';\nexport const x: [unknown, unknown, unknown, Guidance?] = [validateBadge, formatMessage, draftToInput];\n`;
    assert.deepEqual(await ruleIds(code), []);
  });

  test('no HTML from strings, no eval', async () => {
    for (const code of [
      `export function f(e: HTMLElement, s: string): void { e.innerHTML = s; }\n`,
      `export function f(e: HTMLElement, s: string): void { e.outerHTML = s; }\n`,
      `export function f(e: HTMLElement, s: string): void { e.insertAdjacentHTML('beforeend', s); }\n`,
      `export function f(s: string): void { document.write(s); }\n`,
      `export function f(s: string): unknown { return eval(s); }\n`,
    ]) {
      assert.ok((await ruleIds(code)).includes('no-restricted-syntax'), code);
    }
  });

  test('every file in src/webview passes today', async () => {
    const dir = new URL('../../src/webview/', import.meta.url);
    for (const file of readdirSync(dir).filter((name) => name.endsWith('.ts'))) {
      assert.deepEqual(await ruleIds(readFileSync(new URL(file, dir), 'utf8'), `src/webview/${file}`), [], file);
    }
  });

  test('a file in a folder below src/webview (sections/) is held to the same rules', async () => {
    const nested = 'src/webview/sections/bad.ts';
    for (const code of [
      `import { createHttpTransport } from '../../core/http.ts';\nexport const x = createHttpTransport;\n`,
      `import { BADGE_ENTRIES } from '../../core/guidance/badgeCodes.ts';\nexport const x = BADGE_ENTRIES;\n`,
      `import { renderFormHtml } from '../../host/form/html.ts';\nexport const x = renderFormHtml;\n`,
      `import * as vscode from 'vscode';\nexport const x = vscode;\n`,
    ]) {
      assert.ok((await ruleIds(code, nested)).includes('no-restricted-imports'), code);
    }
    assert.ok((await ruleIds(`export function f(e: HTMLElement, s: string): void { e.innerHTML = s; }\n`, nested)).includes('no-restricted-syntax'));
    const allowed = `import { MAX_COUNT } from '../../core/schema.ts';\nimport type { Guidance } from '../../core/guidance/guidance.ts';\nimport { parseFromHost } from '../../shared/fromHost.ts';\nexport const x: [unknown, unknown, Guidance?] = [MAX_COUNT, parseFromHost];\n`;
    assert.deepEqual(await ruleIds(allowed, nested), []);
    const dir = new URL('../../src/webview/sections/', import.meta.url);
    for (const file of readdirSync(dir).filter((name) => name.endsWith('.ts'))) {
      assert.deepEqual(await ruleIds(readFileSync(new URL(file, dir), 'utf8'), `src/webview/sections/${file}`), [], file);
    }
  });
});
