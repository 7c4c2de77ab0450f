// The inline response: every outcome kind, the actions on it, and that nothing in it is markup.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { FromHost } from '../../src/shared/protocol.ts';
import { apiFailure, result, success } from './fixtures.ts';
import type { FormPage, Harness, HarnessWindow } from './harness.ts';
import { HARNESS_HOOK, startHarness } from './harness.ts';

let harness: Harness;
/** One page shows every result in turn: a result replaces the previous one entirely. */
let form: FormPage;
// Bounded: startHarness() fails naming its step within 60 s; the hook timeout is the backstop.
before(async () => {
  harness = await startHarness();
  form = await harness.open();
}, HARNESS_HOOK);
after(async () => {
  await harness?.close();
}, HARNESS_HOOK);

async function shown(message: FromHost): Promise<FormPage> {
  await form.deliver(message);
  return form;
}

/** The facts list as term → value. */
async function facts(form: FormPage): Promise<Record<string, string>> {
  const terms = await form.page.locator('#result dl.facts dt').allTextContents();
  const values = await form.page.locator('#result dl.facts dd').allTextContents();
  return Object.fromEntries(terms.map((term, index) => [term, values[index] ?? '']));
}

const headTone = (form: FormPage): Promise<string | null> => form.page.getAttribute('#result-head', 'class');

describe('result', () => {
  test('the region is a polite live region and starts empty', async () => {
    assert.equal(await form.page.getAttribute('#result-summary', 'aria-live'), 'polite');
    assert.match(await form.text('#result'), /Nothing sent yet/);
  });

  test('the response headers that matter are shown beside the body, one per line, as text', async () => {
    await shown(
      result('r-headers', {
        ok: false,
        error: 'api',
        attempts: 1,
        httpStatus: 429,
        code: 99991400,
        msg: 'request trigger frequency limit',
        logId: 'LOG-429',
        headers: { 'x-tt-logid': 'LOG-429', 'x-ogw-ratelimit-limit': '50', 'x-ogw-ratelimit-reset': '<b>1</b>' },
      }),
    );
    assert.equal((await facts(form))['Response headers'], 'x-tt-logid: LOG-429\nx-ogw-ratelimit-limit: 50\nx-ogw-ratelimit-reset: <b>1</b>');
    assert.equal(await form.page.locator('#result dl.facts b').count(), 0, 'a header value is text, never markup');
  });

  test('success: status, code 0, duration, attempts, retries and the log ID with a copy button', async () => {
    await shown(success('r-1'));
    assert.match(await form.text('#result-head'), /Badge set/);
    assert.match((await headTone(form)) ?? '', /\bok\b/);
    assert.equal(await form.page.locator('#result-head svg').count(), 1);
    assert.deepEqual(await facts(form), {
      'HTTP status': '200',
      Code: '0',
      Message: 'success',
      Duration: '345 ms',
      Attempts: '2',
      Version: '1700000000123',
      'Log ID': '20240101abcdef-LOG_1Copy log ID',
    });
    assert.deepEqual(await form.page.locator('#result ul.retries li').allTextContents(), ['Attempt 1: rate limited (HTTP 429, code 99991400); waited 1000 ms']);
    await form.page.click('#result-toggle');
    await form.page.click('#copy-log-id');
    assert.deepEqual((await form.posted()).at(-1), { type: 'copyLogId', logId: '20240101abcdef-LOG_1' });
    // No guidance for a success; the raw body is there, pretty-printed.
    assert.equal(await form.page.locator('#result .guidance').count(), 0);
    assert.equal(await form.text('#result-raw'), '{\n  "code": 0,\n  "msg": "success",\n  "data": {}\n}');
  });

  test('api error: guidance title, explanation, ordered steps, doc link, log ID', async () => {
    await shown(apiFailure('r-2'));
    assert.match(await form.text('#result-head'), /Feishu returned an error/);
    assert.match((await headTone(form)) ?? '', /\bfail\b/);
    const shownFacts = await facts(form);
    assert.equal(shownFacts['HTTP status'], '400');
    assert.equal(shownFacts.Code, '213001');
    assert.equal(shownFacts.Message, 'param error: version not newer');
    assert.match(shownFacts['Log ID'] ?? '', /^LOG-213001/);
    assert.equal(await form.text('#result .guidance h3'), 'PC badge version conflict');
    assert.match(await form.page.locator('#result .guidance p').first().innerText(), /must be newer/);
    assert.deepEqual(await form.page.locator('#result .guidance ol li').allTextContents(), [
      'Switch the version to Automatic.',
      'Send again.',
      'If it persists, quote log ID LOG-213001 to Feishu support.',
    ]);
    await form.page.click('#result-toggle');
    await form.page.click('#open-docs');
    assert.deepEqual((await form.posted()).at(-1), { type: 'openDocs', url: 'https://open.feishu.cn/document/server-docs/application-v6/app_badge/set' });
    assert.equal(form.page.url().endsWith('/index.html?theme=dark&lang=en'), true, 'the link did not navigate');
    assert.match(await form.text('#result-raw'), /"code": 213001/);
  });

  test('a doc URL the host would refuse is shown as text, not offered as a link', async () => {
    await shown(
      result('r-3', { ok: false, error: 'api', attempts: 1, code: 1, guidance: { id: 'x', title: 'T', explanation: '', steps: [], docUrl: 'javascript:alert(1)', retryable: false } }),
    );
    assert.equal(await form.page.locator('#result a').count(), 0);
    assert.match(await form.text('#result .guidance'), /javascript:alert\(1\)/);
  });

  const kinds: Array<{ name: string; message: FromHost; head: RegExp; more?: RegExp[] }> = [
    {
      name: 'timeout',
      message: result('r-4', { ok: false, error: 'timeout', attempts: 3, durationMs: 30000, msg: 'timed out after 10000 ms' }),
      head: /Timed out/,
      more: [/timed out after 10000 ms/, /30000 ms/],
    },
    { name: 'network', message: result('r-5', { ok: false, error: 'network', attempts: 1, msg: 'ECONNREFUSED 127.0.0.1:9' }), head: /Network error/, more: [/ECONNREFUSED/] },
    {
      name: 'invalid-response',
      message: result('r-6', { ok: false, error: 'invalid-response', attempts: 1, httpStatus: 502, msg: '<html>Bad gateway</html>' }, '<html>Bad gateway</html>'),
      head: /Unexpected response/,
      more: [/502/, /<html>Bad gateway<\/html>/],
    },
    {
      name: 'no-credentials',
      message: result('r-7', {
        ok: false,
        error: 'no-credentials',
        attempts: 0,
        guidance: { id: 'no-credentials', title: 'No credentials', explanation: 'Nothing to sign the request with.', steps: ['Run Configure Credentials.'], docUrl: 'https://open.feishu.cn/document/x', retryable: false },
      }),
      head: /no credentials/,
      more: [/No credentials/, /Run Configure Credentials\./],
    },
    { name: 'cancelled', message: result('r-8', { ok: false, error: 'cancelled', attempts: 1 }), head: /Cancelled/ },
    { name: 'token', message: result('r-9', { ok: false, error: 'api', stage: 'token', attempts: 0, code: 10003, msg: 'invalid app_secret' }), head: /tenant access token/, more: [/10003/] },
    { name: 'untrusted-origin', message: result('r-10', { ok: false, error: 'untrusted-origin', attempts: 0, msg: 'Not sent: not confirmed' }), head: /API base changed/ },
    { name: 'not-sent', message: result('r-11', { ok: false, error: 'not-sent', stage: 'token', attempts: 0 }), head: /tenant access token/ },
  ];
  for (const kind of kinds) {
    test(`${kind.name} renders as such`, async () => {
      await shown(kind.message);
      assert.match(await form.text('#result-head'), kind.head);
      for (const pattern of kind.more ?? []) assert.match(await form.text('#result'), pattern);
      assert.match((await headTone(form)) ?? '', kind.name === 'cancelled' ? /\bneutral\b/ : /\bfail\b/);
      assert.deepEqual(await form.problems(), []);
    });
  }

  test('validation: the issues are listed with their paths', async () => {
    await shown(
      result('r-10', {
        ok: false,
        error: 'validation',
        attempts: 0,
        issues: [
          { path: 'pc.web_app', id: 'count.range', severity: 'error', message: 'Count must be between 0 and 2147483647.' },
          { path: 'user_id', id: 'userId.required', severity: 'error', message: 'User ID is required.' },
        ],
      }),
    );
    assert.match(await form.text('#result-head'), /input is invalid/);
    assert.deepEqual(await form.page.locator('#result ul.issues li').allTextContents(), ['pc.web_app Count must be between 0 and 2147483647.', 'user_id User ID is required.']);
  });

  test('nothing from a response is interpreted as HTML', async () => {
    const payload = '<img src=x onerror="window.__xss=1"><script>window.__xss=2</script><b>bold</b>';
    // A page of its own, so nothing else could have set __xss.
    const page = await harness.open();
    await page.deliver(
      result(
        'r-11',
        {
          ok: false,
          error: 'api',
          attempts: 1,
          code: 99,
          msg: payload,
          logId: payload,
          version: payload,
          issues: [{ path: payload, id: 'count.range', severity: 'error', message: payload }],
          retries: [{ attempt: 1, reason: 'server-error', delayMs: 1, newVersion: payload }],
          guidance: { id: payload, title: payload, explanation: payload, steps: [payload, payload], docUrl: payload, retryable: false },
        },
        payload,
      ),
    );
    await page.page.locator('#result details').evaluate((details) => details.setAttribute('open', ''));
    await page.page.waitForTimeout(100);
    assert.equal(await page.page.locator('img, script:not([nonce]), b').count(), 0);
    assert.equal(await page.page.evaluate(() => (globalThis as unknown as HarnessWindow).__xss), undefined);
    // The text is shown as typed.
    assert.equal(await page.text('#result .guidance h3'), payload);
    assert.equal(await page.text('#result-raw'), payload);
    // The log ID does not match what the host accepts: no copy button to post it.
    assert.equal(await page.page.locator('#copy-log-id').count(), 0);
    assert.deepEqual(await page.problems(), []);
    await page.close();
  });

  test('no console error or CSP violation while showing all of them', async () => {
    assert.deepEqual(await form.problems(), []);
  });
});
