import { CONFIGURE_EN, CONFIGURE_ZH, DOC_GENERIC, DOC_RATE_LIMIT, DOC_TOKEN, httpNoteEn, httpNoteZh, quotedMsgEn, quotedMsgZh, rateLimitedTexts } from './phrases.ts';
import type { Entry, TextSource } from './phrases.ts';

// Generic platform codes (token, scope, app status, rate limit); user IDs and field validation are
// in requestCodes.ts. UNKNOWN_API is here because any other code is read on the generic error code page.

const RATE_LIMITED_API: Entry = {
  id: 'api.99991400',
  docUrl: DOC_RATE_LIMIT,
  retryable: true,
  en: (ctx) => rateLimitedTexts('en', ctx),
  zh: (ctx) => rateLimitedTexts('zh-cn', ctx),
};

function userTokenEntry(code: number, expired: boolean): Entry {
  return {
    id: `api.${code}`,
    docUrl: DOC_GENERIC,
    retryable: false,
    en: {
      title: expired ? 'User access token expired' : 'Invalid user access token',
      explanation: `Feishu read the token as a user_access_token and found it ${expired ? 'expired' : 'invalid'}. The badge API takes a tenant_access_token (starting with t-), not a user token.`,
      steps: [
        `If you pasted a token, run ${CONFIGURE_EN} and replace it with a tenant_access_token.`,
        'Or configure the App ID and App Secret instead, so the extension fetches the tenant_access_token itself.',
      ],
    },
    zh: {
      title: expired ? '用户访问凭证已过期' : '用户访问凭证无效',
      explanation: `飞书将该凭证识别为 user_access_token，且该凭证${expired ? '已过期' : '无效'}。红点接口需要的是 tenant_access_token（以 t- 开头），而不是用户凭证。`,
      steps: [
        `如果凭证是手动粘贴的，请运行${CONFIGURE_ZH}，将其替换为 tenant_access_token。`,
        '或改为配置 App ID 和 App Secret，由插件自动获取 tenant_access_token。',
      ],
    },
  };
}

/** The scope texts, each `[for a token, for the app]`, per language. */
const SCOPE_TEXTS = {
  en: {
    title: ['Token lacks a required scope', 'App lacks a required scope'],
    explanation: [
      'The token was issued without a permission scope this call needs, usually because the scope was added but no app version with it has been published yet.',
      'The app has not been granted a permission scope this call needs; with user_id_type=user_id that includes the field scope contact:user.employee_id:readonly.',
    ],
    steps: [
      "In the developer console, add the missing scope on the app's Permissions & Scopes page (for user_id_type=user_id: contact:user.employee_id:readonly).",
      'Create and publish a new app version: a scope takes effect only after a version that includes it is released.',
    ],
    last: ['Send again; if you pasted a tenant_access_token, obtain a new one first, since old tokens keep their old scopes.', 'Send again once the version has been approved.'],
    quoted: quotedMsgEn,
  },
  zh: {
    title: ['访问凭证缺少所需权限', '应用缺少所需权限'],
    explanation: [
      '该访问凭证不包含此次调用所需的权限，通常是因为权限已添加，但包含该权限的应用版本尚未发布。',
      '应用尚未开通此次调用所需的权限；user_id_type 为 user_id 时，还需要字段权限 contact:user.employee_id:readonly。',
    ],
    steps: ['在开发者后台的权限管理页面开通缺少的权限（user_id_type 为 user_id 时需开通 contact:user.employee_id:readonly）。', '创建并发布新的应用版本：权限只有在包含它的版本发布后才会生效。'],
    last: ['重新发送；如果 tenant_access_token 是手动粘贴的，请先重新获取，旧凭证仍只带有旧的权限。', '版本审核通过后重新发送。'],
    quoted: quotedMsgZh,
  },
} as const;

function scopeTexts(language: keyof typeof SCOPE_TEXTS, ofToken: boolean): TextSource {
  const texts = SCOPE_TEXTS[language];
  const pick = (pair: readonly [string, string]): string => (ofToken ? pair[0] : pair[1]);
  return (ctx) => ({ title: pick(texts.title), explanation: pick(texts.explanation) + texts.quoted(ctx), steps: [...texts.steps, pick(texts.last)] });
}

function scopeEntry(code: number, ofToken: boolean): Entry {
  return { id: `api.${code}`, docUrl: DOC_GENERIC, retryable: false, en: scopeTexts('en', ofToken), zh: scopeTexts('zh', ofToken) };
}

export const PLATFORM_ENTRIES: readonly (readonly [number, Entry])[] = [
  [99991400, RATE_LIMITED_API],
  [
    99991661,
    {
      id: 'api.99991661',
      docUrl: DOC_GENERIC,
      retryable: false,
      en: {
        title: 'Missing access token',
        explanation: 'The request reached Feishu without an Authorization header carrying a tenant_access_token.',
        steps: [
          `Run ${CONFIGURE_EN} and check that an App ID and App Secret (or a tenant_access_token) are set.`,
          'If a proxy or gateway sits in between, check that it passes the Authorization header through.',
        ],
      },
      zh: {
        title: '请求缺少访问凭证',
        explanation: '请求到达飞书时没有携带包含 tenant_access_token 的 Authorization 请求头。',
        steps: [
          `运行${CONFIGURE_ZH}，确认已设置 App ID 和 App Secret（或 tenant_access_token）。`,
          '如果中间经过代理或网关，请确认它会原样转发 Authorization 请求头。',
        ],
      },
    },
  ],
  [
    99991663,
    {
      id: 'api.99991663',
      docUrl: DOC_GENERIC,
      // The client already fetched a fresh token and retried once; repeating alone will not help.
      retryable: false,
      en: {
        title: 'Access token invalid or expired',
        explanation:
          'Feishu did not accept the tenant_access_token because it is invalid or has expired. The extension fetches a new token and retries once by itself, so this usually means a pasted token has run out.',
        steps: [
          `If you pasted a tenant_access_token, obtain a new one and run ${CONFIGURE_EN} to replace it.`,
          'If you use an App ID and App Secret, send again; if it keeps failing, copy both again from the developer console.',
        ],
      },
      zh: {
        title: 'tenant_access_token 无效或已过期',
        explanation:
          '飞书不接受该 tenant_access_token，它无效或已过期。插件会自动获取新凭证并重试一次，因此出现此错误通常说明手动粘贴的凭证已过期。',
        steps: [
          `如果 tenant_access_token 是手动粘贴的，请重新获取，并运行${CONFIGURE_ZH}进行替换。`,
          '如果使用的是 App ID 和 App Secret，请重新发送；若仍失败，请从开发者后台重新复制这两项。',
        ],
      },
    },
  ],
  [
    99991671,
    {
      id: 'api.99991671',
      docUrl: DOC_GENERIC,
      retryable: false,
      en: {
        title: 'Malformed access token',
        explanation:
          'Feishu does not recognise the format of the token: a tenant_access_token starts with t- (tokens from the newer OAuth endpoint are JWTs).',
        steps: [
          'Check that the pasted token was copied completely, without quotes, spaces or a "Bearer" prefix.',
          `Run ${CONFIGURE_EN} to paste it again, or use an App ID and App Secret instead.`,
        ],
      },
      zh: {
        title: '访问凭证格式错误',
        explanation: '飞书无法识别该凭证的格式：tenant_access_token 以 t- 开头（新版 OAuth 接口返回的凭证为 JWT）。',
        steps: [
          '检查粘贴的凭证是否完整，且不含引号、空格或“Bearer”前缀。',
          `运行${CONFIGURE_ZH}重新粘贴，或改用 App ID 和 App Secret。`,
        ],
      },
    },
  ],
  [99991668, userTokenEntry(99991668, false)],
  [99991677, userTokenEntry(99991677, true)],
  [99991672, scopeEntry(99991672, false)],
  [99991676, scopeEntry(99991676, true)],
  [
    99991662,
    {
      id: 'api.99991662',
      docUrl: DOC_GENERIC,
      retryable: false,
      en: {
        title: 'App disabled',
        explanation: 'The app is disabled in this tenant, so its tokens cannot call the API.',
        steps: [
          'Ask the tenant administrator to enable the app in the Feishu admin console.',
          'If you develop the app, check its status in the developer console.',
        ],
      },
      zh: {
        title: '应用已停用',
        explanation: '该应用在当前企业中已被停用，其访问凭证无法调用接口。',
        steps: ['请企业管理员在飞书管理后台启用该应用。', '如果你是应用开发者，请在开发者后台检查应用状态。'],
      },
    },
  ],
  [
    99991673,
    {
      id: 'api.99991673',
      docUrl: DOC_GENERIC,
      retryable: false,
      en: {
        title: 'App not installed in this tenant',
        explanation: 'The app is not installed or not enabled in the tenant that the token belongs to.',
        steps: [
          'For a custom app, publish an app version in the developer console so it becomes available in your tenant.',
          'For a store app, ask the tenant administrator to install it from the app directory.',
        ],
      },
      zh: {
        title: '应用未在该企业安装',
        explanation: '该应用未在访问凭证所属的企业中安装或启用。',
        steps: [
          '自建应用：在开发者后台完成版本发布，使应用在本企业可用。',
          '商店应用：请企业管理员从应用目录安装该应用。',
        ],
      },
    },
  ],
  [
    99991543,
    {
      id: 'api.99991543',
      docUrl: DOC_TOKEN,
      retryable: false,
      en: {
        title: 'App ID or App Secret not found',
        explanation: 'Feishu has no app matching the App ID and App Secret that were sent.',
        steps: [
          "Copy the App ID and App Secret again from the app's Credentials & Basic Info page in the developer console.",
          `Run ${CONFIGURE_EN} and paste them without extra spaces.`,
          'Check that the domain setting matches where the app was created: Feishu (open.feishu.cn) or Lark (open.larksuite.com).',
        ],
      },
      zh: {
        title: 'App ID 或 App Secret 不存在',
        explanation: '飞书找不到与所发送的 App ID 和 App Secret 匹配的应用。',
        steps: [
          '在开发者后台应用的“凭证与基础信息”页面重新复制 App ID 和 App Secret。',
          `运行${CONFIGURE_ZH}并粘贴，注意不要带多余的空格。`,
          '确认域名设置与创建应用的平台一致：飞书（open.feishu.cn）或 Lark（open.larksuite.com）。',
        ],
      },
    },
  ],
  [
    10003,
    {
      id: 'api.10003',
      docUrl: DOC_TOKEN,
      retryable: false,
      en: (ctx) => ({
        title: 'Invalid token request',
        explanation:
          'Feishu rejected the request for a tenant_access_token as invalid, usually because the App ID or App Secret is empty or malformed.' +
          quotedMsgEn(ctx),
        steps: [
          `Run ${CONFIGURE_EN} and check that both the App ID (starting with cli_) and the App Secret are filled in.`,
          'If in doubt, copy both again from the developer console.',
        ],
      }),
      zh: (ctx) => ({
        title: '获取访问凭证的参数无效',
        explanation:
          '飞书认为获取 tenant_access_token 的请求参数无效，通常是 App ID 或 App Secret 为空或格式不对。' + quotedMsgZh(ctx),
        steps: [
          `运行${CONFIGURE_ZH}，确认 App ID（以 cli_ 开头）和 App Secret 都已填写。`,
          '如不确定，请从开发者后台重新复制这两项。',
        ],
      }),
    },
  ],
  [
    10014,
    {
      id: 'api.10014',
      docUrl: DOC_TOKEN,
      retryable: false,
      en: {
        title: 'App not authorised or disabled',
        explanation: 'Feishu refused to issue a token because the app is disabled or not authorised in this tenant.',
        steps: [
          'Check the app in the developer console and make sure a version has been published.',
          'Ask the tenant administrator whether the app has been disabled in the admin console.',
        ],
      },
      zh: {
        title: '应用未授权或已停用',
        explanation: '应用已停用或未在当前企业获得授权，飞书拒绝颁发访问凭证。',
        steps: ['在开发者后台检查应用，确认已完成版本发布。', '询问企业管理员是否在管理后台停用了该应用。'],
      },
    },
  ],
  [
    10015,
    {
      id: 'api.10015',
      docUrl: DOC_TOKEN,
      retryable: false,
      en: {
        title: 'Wrong App Secret',
        explanation:
          'The App Secret does not match the App ID: it may have been mistyped, or reset in the developer console.',
        steps: [
          "Copy the App Secret again from the app's Credentials & Basic Info page in the developer console.",
          `Run ${CONFIGURE_EN} and paste it.`,
        ],
      },
      zh: {
        title: 'App Secret 错误',
        explanation: 'App Secret 与 App ID 不匹配：可能输入有误，或已在开发者后台重置。',
        steps: [
          '在开发者后台应用的“凭证与基础信息”页面重新复制 App Secret。',
          `运行${CONFIGURE_ZH}并粘贴。`,
        ],
      },
    },
  ],
];

export const UNKNOWN_API: Entry = {
  id: 'api.unknown',
  docUrl: DOC_GENERIC,
  // A server-side failure may pass; anything else is about the request and will repeat.
  retryable: (ctx) => ctx.httpStatus !== undefined && ctx.httpStatus >= 500,
  en: (ctx) => {
    const code = ctx.code === undefined ? '' : ` ${ctx.code}`;
    return {
      title: `Feishu error${code}`,
      explanation:
        `Feishu answered with error code${code}${httpNoteEn(ctx)}, for which this extension has no specific guidance.` +
        (ctx.msg === undefined ? ' Feishu gave no message with it.' : quotedMsgEn(ctx)),
      steps: [
        `Look up code${code} on the generic error code page of the Feishu Open Platform documentation.`,
        'Check the request against the badge API reference: user_id_type, user_id, version and the counts.',
        // With a log ID the shared final step quotes it; without one, say what support needs instead.
        ...(ctx.logId === undefined
          ? [
              'No log ID came with this response; if you contact Feishu support, give them the code, the time of the call and your App ID.',
            ]
          : []),
      ],
    };
  },
  zh: (ctx) => {
    const code = ctx.code === undefined ? '' : ` ${ctx.code}`;
    return {
      title: `飞书错误${code}`,
      explanation:
        `飞书返回了错误码${code}${httpNoteZh(ctx)}，本插件暂无针对该错误码的说明。` +
        (ctx.msg === undefined ? '飞书未附带错误信息。' : quotedMsgZh(ctx)),
      steps: [
        `在飞书开放平台文档的通用错误码页面查找错误码${code}。`,
        '对照红点接口文档检查请求：user_id_type、user_id、version 以及各红点数量。',
        ...(ctx.logId === undefined
          ? ['此次响应未返回日志 ID；如需联系飞书技术支持，请提供错误码、调用时间和 App ID。']
          : []),
      ],
    };
  },
};
