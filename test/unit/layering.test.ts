import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { ESLint } from 'eslint';

// The layering rule lives in eslint.config.mjs; these tests prove it bites, and that core obeys it.
const eslint = new ESLint({ cwd: new URL('../..', import.meta.url).pathname });

async function ruleIds(code: string, filePath: string): Promise<string[]> {
  const [result] = await eslint.lintText(code, { filePath });
  return (result?.messages ?? []).map((message) => message.ruleId ?? message.message);
}

describe('layering', () => {
  test('src/core may not import vscode, host code, or Node built-ins', async () => {
    assert.ok((await ruleIds(`import * as vscode from 'vscode';\nexport const x = vscode;\n`, 'src/core/bad.ts')).includes('no-restricted-imports'));
    assert.ok((await ruleIds(`import { COMMANDS } from '../host/commands.ts';\nexport const x = COMMANDS;\n`, 'src/core/bad.ts')).includes('no-restricted-imports'));
    assert.ok((await ruleIds(`import { readFileSync } from 'node:fs';\nexport const x = readFileSync;\n`, 'src/core/bad.ts')).includes('no-restricted-imports'));
    assert.ok((await ruleIds(`import type { ExtensionContext } from 'vscode';\nexport type X = ExtensionContext;\n`, 'src/core/bad.ts')).includes('no-restricted-imports'));
  });

  test('the same imports are fine in the host layer', async () => {
    assert.deepEqual(await ruleIds(`import * as vscode from 'vscode';\nexport const x = vscode;\n`, 'src/host/ok.ts'), []);
  });

  test('every file in src/core passes the rule today', async () => {
    const dir = new URL('../../src/core/', import.meta.url);
    for (const file of readdirSync(dir).filter((name) => name.endsWith('.ts'))) {
      const ids = await ruleIds(readFileSync(new URL(file, dir), 'utf8'), `src/core/${file}`);
      assert.equal(ids.includes('no-restricted-imports'), false, file);
    }
  });
});
