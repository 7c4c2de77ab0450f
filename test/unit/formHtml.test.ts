// The form's page is a pure function of plain strings, so it is checked here in plain Node; the
// webview tests run the form in this very page (test/webview/harness.ts).
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { renderFormHtml } from '../../src/host/form/html.ts';
import { formCsp } from '../../src/shared/protocol.ts';

describe('renderFormHtml', () => {
  test('the shared CSP, one script with the nonce, the stylesheet and the mount point', () => {
    const html = renderFormHtml({ cspSource: 'https://webview.test', nonce: 'n0nce', scriptUri: 'https://webview.test/dist/webview.js', styleUri: 'https://webview.test/media/form.css', lang: 'zh-CN' });
    assert.ok(html.includes(`<meta http-equiv="Content-Security-Policy" content="${formCsp('https://webview.test', 'n0nce')}">`));
    assert.deepEqual(html.match(/<script[^>]*>/g), ['<script nonce="n0nce" src="https://webview.test/dist/webview.js">']);
    assert.match(html, /<html lang="zh-CN">/);
    assert.match(html, /<link rel="stylesheet" href="https:\/\/webview\.test\/media\/form\.css">/);
    assert.match(html, /<div id="app"><\/div>/);
  });
});
