import { CONFIGURE_EN, CONFIGURE_ZH, DOC_BADGE_API, DOC_GENERIC, DOC_RATE_LIMIT, DOC_TOKEN, httpNoteEn, httpNoteZh, rateLimitedTexts } from './phrases.ts';
import type { Context, Entry, Texts } from './phrases.ts';

// HTTP errors without a Feishu JSON body: something other than the API answered, or the path is wrong.

// One entry serves a whole range of statuses, so its title names the status that came, when known.
function withStatus(note: (ctx: Context) => string, texts: Texts): (ctx: Context) => Texts {
  return (ctx) => ({ ...texts, title: `${texts.title}${note(ctx)}` });
}

export const HTTP_429: Entry = {
  id: 'http.429',
  docUrl: DOC_RATE_LIMIT,
  retryable: true,
  en: (ctx) => rateLimitedTexts('en', ctx),
  zh: (ctx) => rateLimitedTexts('zh-cn', ctx),
};

const HTTP_ENTRIES: Readonly<Record<'401' | '403' | '404' | '4xx' | '5xx' | 'other', Entry>> = {
  '401': {
    id: 'http.401',
    docUrl: DOC_TOKEN,
    retryable: false,
    en: {
      title: 'Not authenticated (HTTP 401)',
      explanation:
        'The server answered HTTP 401 without a Feishu error body: the token did not arrive, or a proxy or gateway in between wants its own login.',
      steps: [
        `Run ${CONFIGURE_EN} and check the credentials.`,
        'If you use a proxy or a custom base URL, check that it passes the Authorization header through and does not ask for a login of its own.',
      ],
    },
    zh: {
      title: '未通过身份验证（HTTP 401）',
      explanation: '服务器返回了 HTTP 401，但没有飞书的错误内容：访问凭证没有送达，或中间的代理、网关要求单独登录。',
      steps: [
        `运行${CONFIGURE_ZH}检查凭据。`,
        '如果使用了代理或自定义基础地址，请确认它会转发 Authorization 请求头，且不要求单独登录。',
      ],
    },
  },
  '403': {
    id: 'http.403',
    docUrl: DOC_GENERIC,
    retryable: false,
    en: {
      title: 'Access forbidden (HTTP 403)',
      explanation:
        'The server refused the request with HTTP 403 and no Feishu error body, which usually comes from a proxy, firewall or gateway rather than from Feishu itself.',
      steps: [
        'Check whether a corporate proxy or firewall blocks the Feishu API host.',
        'If you use a custom base URL, check that it is the API root and allows /open-apis/ requests.',
      ],
    },
    zh: {
      title: '访问被拒绝（HTTP 403）',
      explanation: '服务器以 HTTP 403 拒绝了请求且没有飞书的错误内容，这通常来自代理、防火墙或网关，而不是飞书本身。',
      steps: [
        '检查公司代理或防火墙是否拦截了飞书接口的域名。',
        '如果使用了自定义基础地址，请确认它是 API 根地址，并允许 /open-apis/ 下的请求。',
      ],
    },
  },
  '404': {
    id: 'http.404',
    docUrl: DOC_BADGE_API,
    retryable: false,
    en: {
      title: 'API path not found (HTTP 404)',
      explanation: 'The server has nothing at the request path, so the base URL or the path is wrong.',
      steps: [
        'Check the domain setting: Feishu is https://open.feishu.cn and Lark is https://open.larksuite.com.',
        'If you set a custom base URL, make it the API root that serves /open-apis/ (for Feishu: https://open.feishu.cn), not the developer console or a documentation page.',
      ],
    },
    zh: {
      title: '接口路径不存在（HTTP 404）',
      explanation: '服务器上没有请求的路径，说明基础地址或路径有误。',
      steps: [
        '检查域名设置：飞书为 https://open.feishu.cn，Lark 为 https://open.larksuite.com。',
        '如果设置了自定义基础地址，请让它指向提供 /open-apis/ 接口的 API 根地址（飞书为 https://open.feishu.cn），而不是开发者后台或文档页面。',
      ],
    },
  },
  '4xx': {
    id: 'http.4xx',
    docUrl: DOC_GENERIC,
    retryable: false,
    en: withStatus(httpNoteEn, {
      title: 'Request rejected',
      explanation:
        'The server rejected the request without a Feishu error body, so there is no error code to go by; it most likely came from a proxy or a wrong base URL.',
      steps: [
        'Check the domain setting or custom base URL, and any proxy in between.',
        "If it keeps failing, look at the full response in the extension's log.",
      ],
    }),
    zh: withStatus(httpNoteZh, {
      title: '请求被拒绝',
      explanation: '服务器拒绝了请求，且没有飞书的错误内容，因此没有可参考的错误码；这很可能来自代理或错误的基础地址。',
      steps: ['检查域名设置或自定义基础地址，以及中间的代理。', '如果持续失败，请在插件日志中查看完整响应。'],
    }),
  },
  '5xx': {
    id: 'http.5xx',
    docUrl: DOC_GENERIC,
    retryable: true,
    en: withStatus(httpNoteEn, {
      title: 'Feishu server error',
      explanation:
        'Feishu or a gateway in front of it failed to handle the request. This is a problem on the server side, not in your request, and the extension already retried automatically.',
      steps: [
        'Try again in a few minutes.',
        'If you use a proxy or a custom base URL, check that it can reach Feishu.',
      ],
    }),
    zh: withStatus(httpNoteZh, {
      title: '飞书服务端错误',
      explanation: '飞书或其前端网关未能处理该请求。这是服务端的问题，与请求内容无关，插件已自动重试过。',
      steps: ['几分钟后再试。', '如果使用了代理或自定义基础地址，请确认它能访问飞书。'],
    }),
  },
  other: {
    id: 'http.other',
    docUrl: DOC_BADGE_API,
    retryable: false,
    en: withStatus(httpNoteEn, {
      title: 'Unexpected HTTP status',
      explanation:
        'The server answered with a status the Feishu API does not use for this call; a redirect usually means the base URL points at a web page rather than the API.',
      steps: [
        'Check the domain setting or custom base URL: it must be the API root, for Feishu https://open.feishu.cn.',
        'Check that no proxy in between rewrites or redirects the request.',
      ],
    }),
    zh: withStatus(httpNoteZh, {
      title: '意外的 HTTP 状态',
      explanation: '服务器返回的状态码不是飞书接口在此调用中会使用的；如果是重定向，通常说明基础地址指向了网页而不是 API。',
      steps: [
        '检查域名设置或自定义基础地址：它必须是 API 根地址，飞书为 https://open.feishu.cn。',
        '确认中间没有代理改写或重定向该请求。',
      ],
    }),
  },
};

export function httpEntry(status: number | undefined): Entry {
  if (status === 401) return HTTP_ENTRIES['401'];
  if (status === 403) return HTTP_ENTRIES['403'];
  if (status === 404) return HTTP_ENTRIES['404'];
  if (status === 429) return HTTP_429;
  if (status !== undefined && status >= 500) return HTTP_ENTRIES['5xx'];
  if (status !== undefined && status >= 400) return HTTP_ENTRIES['4xx'];
  return HTTP_ENTRIES.other;
}
