import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, readdirSync } from 'node:fs';

// Every user-facing string exists in English and 简体中文: manifest strings (package.nls*.json)
// and code strings (vscode.l10n.t literals and their l10n bundle).
const root = new URL('../../', import.meta.url);
const read = (path: string): string => readFileSync(new URL(path, root), 'utf8');
const json = (path: string): Record<string, unknown> => JSON.parse(read(path)) as Record<string, unknown>;
const cjk = /[\u4e00-\u9fff]/;

function sourceFiles(dir: string): string[] {
  return readdirSync(new URL(dir, root), { recursive: true, encoding: 'utf8' })
    .filter((file) => file.endsWith('.ts'))
    .map((file) => `${dir}${file}`);
}

function l10nLiterals(): Set<string> {
  const found = new Set<string>();
  for (const file of [...sourceFiles('src/host/'), 'src/extension.ts']) {
    for (const match of read(file).matchAll(/l10n\.t\(\s*'((?:[^'\\]|\\.)*)'/g)) {
      found.add((match[1] ?? '').replace(/\\'/g, "'"));
    }
  }
  return found;
}

describe('localisation', () => {
  test('every %key% in package.json has English and Chinese text', () => {
    const keys = new Set([...read('package.json').matchAll(/"%([^%"]+)%"/g)].map((m) => m[1] ?? ''));
    const en = json('package.nls.json');
    const zh = json('package.nls.zh-cn.json');
    assert.ok(keys.size > 10);
    for (const key of keys) {
      assert.equal(typeof en[key], 'string', `package.nls.json lacks ${key}`);
      assert.match(String(zh[key]), cjk, `package.nls.zh-cn.json lacks Chinese for ${key}`);
    }
    assert.deepEqual(Object.keys(zh).sort(), Object.keys(en).sort());
  });

  test('every vscode.l10n.t string has a Chinese translation, and the bundle has no stale keys', () => {
    const literals = l10nLiterals();
    const bundle = json('l10n/bundle.l10n.zh-cn.json');
    assert.ok(literals.size > 20);
    for (const literal of literals) {
      const translated = bundle[literal];
      assert.equal(typeof translated, 'string', `missing zh-cn for: ${literal}`);
      assert.ok(cjk.test(String(translated)) || /^[✓✗]/.test(String(translated)), `not Chinese: ${literal}`);
      const placeholders = (text: string): string[] => [...text.matchAll(/\{\d+\}/g)].map((m) => m[0]).sort();
      assert.deepEqual(placeholders(String(translated)), placeholders(literal), `placeholders differ: ${literal}`);
    }
    for (const key of Object.keys(bundle)) {
      assert.ok(literals.has(key), `stale bundle key: ${key}`);
    }
  });
});
