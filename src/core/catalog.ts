import type { BadgeResult, Locale, NetworkReason, Outcome } from './types.ts';

// The error catalog: every way a badge call can fail, mapped to what a developer should do next,
// in English and Simplified Chinese. The client only reports facts (codes, statuses, reasons);
// all wording lives here so the output panel, notifications and automation say the same thing.

export type FailureDescriptor =
  | { kind: 'api'; code: number; httpStatus?: number; msg?: string; logId?: string }
  /** An HTTP error without a Feishu JSON body (e.g. a 502 HTML page, a 404). */
  | { kind: 'http'; httpStatus: number; logId?: string }
  | { kind: 'network'; reason: NetworkReason }
  | { kind: 'invalid-response'; httpStatus?: number; logId?: string; redirectOrigin?: string }
  | { kind: 'cancelled' }
  /** The custom base URL was refused (http:// to a non-loopback host, not a URL, ...). */
  | { kind: 'bad-base-url' }
  | { kind: 'no-credentials' };

export interface Guidance {
  /** Stable across releases and locales, e.g. 'api.213001', 'api.unknown', 'http.5xx', 'network.timeout'. */
  id: string;
  /** The Feishu code, when the failure is an API error. */
  code?: number;
  title: string;
  /** What happened and why, 1-3 sentences. */
  explanation: string;
  /** What to do, in order; when the server gave a log ID, the last step quotes it. */
  steps: readonly string[];
  docUrl: string;
  /** Whether trying again later can help without the user changing anything. */
  retryable: boolean;
}

const DOC_BADGE_API = 'https://open.feishu.cn/document/server-docs/application-v6/app_badge/set';
const DOC_AVAILABILITY = 'https://open.feishu.cn/document/home/introduction-to-scope-and-authorization/availability';
const DOC_GENERIC = 'https://open.feishu.cn/document/server-docs/api-call-guide/generic-error-code';
const DOC_RATE_LIMIT = 'https://open.feishu.cn/document/server-docs/api-call-guide/frequency-control';
const DOC_TOKEN =
  'https://open.feishu.cn/document/server-docs/authentication-management/access-token/tenant_access_token_internal';

// Command titles as the palette shows them, so users can type exactly what they read.
const CONFIGURE_EN = '"Feishu Badge: Configure Credentials"';
const CONFIGURE_ZH = '“飞书应用红点：配置凭据”';

// Server messages are untrusted and can be long or multi-line; keep them readable in a notification.
const MAX_MSG_CHARS = 300;

interface Texts {
  readonly title: string;
  readonly explanation: string;
  readonly steps: readonly string[];
}

/** Cleaned facts from the descriptor: absent values are `undefined`, never empty strings. */
interface Context {
  readonly code?: number;
  readonly httpStatus?: number;
  readonly msg?: string;
  readonly logId?: string;
  /** Where a refused redirect pointed: an origin only, never a path or query. */
  readonly redirectOrigin?: string;
}

type TextSource = Texts | ((ctx: Context) => Texts);

interface Entry {
  readonly id: string;
  readonly docUrl: string;
  readonly retryable: boolean | ((ctx: Context) => boolean);
  readonly en: TextSource;
  readonly zh: TextSource;
}

function resolve(source: TextSource, ctx: Context): Texts {
  return typeof source === 'function' ? source(ctx) : source;
}

// ---------------------------------------------------------------------------------------------
// Shared phrases. Each helper returns '' when its fact is missing, so text never reads "undefined".

function quotedMsgEn(ctx: Context): string {
  return ctx.msg === undefined ? '' : ` Feishu's message: "${ctx.msg}".`;
}

function quotedMsgZh(ctx: Context): string {
  return ctx.msg === undefined ? '' : `飞书返回的信息：“${ctx.msg}”。`;
}

function httpNoteEn(ctx: Context): string {
  return ctx.httpStatus === undefined ? '' : ` (HTTP ${ctx.httpStatus})`;
}

function httpNoteZh(ctx: Context): string {
  return ctx.httpStatus === undefined ? '' : `（HTTP ${ctx.httpStatus}）`;
}

function logIdStep(locale: Locale, logId: string): string {
  // No trailing punctuation: users copy the ID straight from the end of the line.
  return locale === 'zh-cn'
    ? `在开发者后台的日志查询中搜索此日志 ID，或将其提供给飞书技术支持：${logId}`
    : `Search this log ID in the developer console's log search, or give it to Feishu support: ${logId}`;
}

// ---------------------------------------------------------------------------------------------
// Badge codes (HTTP 400 from app_badge/set).

function versionConflict(code: number, clientEn: 'PC' | 'mobile', clientZh: string): Entry {
  return {
    id: `api.${code}`,
    docUrl: DOC_BADGE_API,
    // The client already retried once with a fresh version; a repeat means a competing writer.
    retryable: false,
    en: {
      title: `${clientEn === 'PC' ? 'PC' : 'Mobile'} badge version conflict`,
      explanation:
        `Feishu already holds a newer ${clientEn} badge version for this user, or another update for the user landed at the same moment. ` +
        'The extension already retried once with a newer version automatically, so something else keeps writing newer versions for this user, for example another of your servers that sends epoch-millisecond versions from a clock that runs ahead.',
      steps: [
        'Check whether another server, script or tool also sets badges for this user, and whether its clock runs ahead.',
        "Let only one writer set a user's badge, or make every writer take its versions from the same correct clock.",
        'Send again once that is sorted out; the extension uses the current time in epoch milliseconds as the version.',
      ],
    },
    zh: {
      title: `${clientZh}红点版本冲突`,
      explanation:
        `飞书上已存有该用户更新的${/^[A-Za-z]/.test(clientZh) ? ` ${clientZh}` : clientZh}红点版本，或同一时刻有另一次更新写入。` +
        '插件已自动用更新的版本号重试过一次，仍然冲突，说明有其他写入方在持续使用更大的版本号，例如你的另一台服务器以毫秒时间戳作为版本号，而它的时钟走快了。',
      steps: [
        '排查是否还有其他服务、脚本或工具在为该用户设置红点，并检查其所在机器的时钟是否偏快。',
        '让同一用户的红点只由一个写入方设置，或让所有写入方从同一个准确的时钟生成版本号。',
        '处理后重新发送；插件会以当前的毫秒时间戳作为版本号。',
      ],
    },
  };
}

const BADGE_ENTRIES: readonly (readonly [number, Entry])[] = [
  [213001, versionConflict(213001, 'PC', 'PC 端')],
  [213002, versionConflict(213002, 'mobile', '移动端')],
  [
    213003,
    {
      id: 'api.213003',
      docUrl: DOC_BADGE_API,
      retryable: false,
      en: {
        title: 'No badge data',
        explanation: 'The request carried neither PC nor mobile counts, so Feishu had nothing to set.',
        steps: [
          'Add PC and/or mobile counts to the request: web_app for web apps, gadget for mini programs.',
          'To clear a badge, send 0 instead of leaving the counts out.',
        ],
      },
      zh: {
        title: '没有红点数据',
        explanation: '请求中既没有 pc 也没有 mobile 的红点数量，飞书没有可设置的内容。',
        steps: [
          '在请求中填写 pc 和/或 mobile 的数量：网页应用填 web_app，小程序填 gadget。',
          '如需清除红点，请发送 0，而不是省略数量字段。',
        ],
      },
    },
  ],
  [
    213004,
    {
      id: 'api.213004',
      docUrl: DOC_BADGE_API,
      retryable: true,
      en: {
        title: 'Concurrent update for the same user',
        explanation:
          'Two badge updates for the same user reached Feishu at the same time, and Feishu accepts only one at a time per user.',
        steps: [
          'Wait a moment and send again.',
          'If badges are set from several places or in parallel, send the updates for one user one after another.',
        ],
      },
      zh: {
        title: '同一用户的红点被并发更新',
        explanation: '同一用户的两次红点更新同时到达飞书，而飞书对每个用户同一时间只接受一次更新。',
        steps: ['稍等片刻后重新发送。', '如果从多处或并行设置红点，请确保同一用户的更新依次发送。'],
      },
    },
  ],
  [
    213005,
    {
      id: 'api.213005',
      docUrl: DOC_BADGE_API,
      retryable: false,
      en: {
        title: 'Invalid badge version',
        explanation:
          'Feishu did not accept the version. It must be a string of digits (the extension uses epoch milliseconds, e.g. 1664360599355) and newer than the last version sent for this user.',
        steps: [
          'If you set the version by hand, use digits only, such as the current time in milliseconds.',
          'Make sure it is larger than every version sent before for this user, including by other tools.',
        ],
      },
      zh: {
        title: '红点版本号无效',
        explanation:
          '飞书不接受该版本号。版本号必须是纯数字字符串（插件使用毫秒时间戳，例如 1664360599355），并且要比该用户上一次的版本号更新。',
        steps: [
          '如果手动填写版本号，请只使用数字，例如当前的毫秒时间戳。',
          '确保它大于此前为该用户发送过的所有版本号（包括其他工具发送的）。',
        ],
      },
    },
  ],
  [
    213006,
    {
      id: 'api.213006',
      docUrl: DOC_BADGE_API,
      retryable: false,
      en: {
        title: 'User cannot receive badges',
        explanation:
          'The user has resigned, is frozen or has not activated their account, so Feishu cannot show them a badge.',
        steps: [
          'Skip this user.',
          "If the user should be active, ask your Feishu administrator to check the account's status in the admin console.",
        ],
      },
      zh: {
        title: '用户状态异常',
        explanation: '该用户已离职、被冻结或尚未激活账号，飞书无法为其显示红点。',
        steps: ['跳过该用户。', '如果该用户应为正常状态，请联系企业的飞书管理员在管理后台检查其账号状态。'],
      },
    },
  ],
  [
    213007,
    {
      id: 'api.213007',
      docUrl: DOC_AVAILABILITY,
      retryable: false,
      en: {
        title: 'App not visible to this user',
        explanation:
          "The user is outside the app's availability range, so the app and its badge are invisible to them.",
        steps: [
          'In the developer console, create a new app version and add the user (or their department) to its availability range.',
          'Publish the version and wait for the tenant administrator to approve it if approval is required.',
          'Send the badge again once the new version is live.',
        ],
      },
      zh: {
        title: '应用对该用户不可见',
        explanation: '该用户不在应用的可用范围内，因此看不到该应用及其红点。',
        steps: [
          '在开发者后台创建新的应用版本，并将该用户（或其所在部门）加入可用范围。',
          '申请版本发布；如需企业管理员审核，请等待审核通过。',
          '新版本生效后重新发送红点。',
        ],
      },
    },
  ],
];

// ---------------------------------------------------------------------------------------------
// Generic platform codes (token, scope, app status, user id, validation).

function rateLimitedTexts(locale: Locale, ctx: Context): Texts {
  // Reached both from code 99991400 and from a bare 429, so name the code only when it says more.
  const otherCode = ctx.code !== undefined && ctx.code !== 99991400 ? ctx.code : undefined;
  if (locale === 'zh-cn') {
    const note = otherCode === undefined ? '' : `（HTTP 429，错误码 ${otherCode}）`;
    return {
      title: '请求频率超限',
      explanation: `飞书按接口、应用和租户限制调用频率，本次请求超出了限制${note}。红点接口采用特殊频控，没有公布具体数值。`,
      steps: [
        '等待 x-ogw-ratelimit-reset 响应头给出的秒数后再发送（插件会自动等待并重试）。',
        '需要为大量用户设置红点时，请分批发送或拉长发送间隔。',
      ],
    };
  }
  const note = otherCode === undefined ? '' : ` (HTTP 429, code ${otherCode})`;
  return {
    title: 'Rate limited',
    explanation: `Feishu limits how often an app may call each API in a tenant, and this request went over the limit${note}. The badge API has a special limit whose number is not published.`,
    steps: [
      'Wait the number of seconds given in the x-ogw-ratelimit-reset header, then send again (the extension waits and retries automatically).',
      'When setting badges for many users, send them in smaller batches or spread them out over time.',
    ],
  };
}

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

function scopeEntry(code: number, ofToken: boolean): Entry {
  return {
    id: `api.${code}`,
    docUrl: DOC_GENERIC,
    retryable: false,
    en: (ctx) => ({
      title: ofToken ? 'Token lacks a required scope' : 'App lacks a required scope',
      explanation:
        (ofToken
          ? 'The token was issued without a permission scope this call needs, usually because the scope was added but no app version with it has been published yet.'
          : 'The app has not been granted a permission scope this call needs; with user_id_type=user_id that includes the field scope contact:user.employee_id:readonly.') +
        quotedMsgEn(ctx),
      steps: [
        "In the developer console, add the missing scope on the app's Permissions & Scopes page (for user_id_type=user_id: contact:user.employee_id:readonly).",
        'Create and publish a new app version: a scope takes effect only after a version that includes it is released.',
        ofToken
          ? 'Send again; if you pasted a tenant_access_token, obtain a new one first, since old tokens keep their old scopes.'
          : 'Send again once the version has been approved.',
      ],
    }),
    zh: (ctx) => ({
      title: ofToken ? '访问凭证缺少所需权限' : '应用缺少所需权限',
      explanation:
        (ofToken
          ? '该访问凭证不包含此次调用所需的权限，通常是因为权限已添加，但包含该权限的应用版本尚未发布。'
          : '应用尚未开通此次调用所需的权限；user_id_type 为 user_id 时，还需要字段权限 contact:user.employee_id:readonly。') +
        quotedMsgZh(ctx),
      steps: [
        '在开发者后台的权限管理页面开通缺少的权限（user_id_type 为 user_id 时需开通 contact:user.employee_id:readonly）。',
        '创建并发布新的应用版本：权限只有在包含它的版本发布后才会生效。',
        ofToken
          ? '重新发送；如果 tenant_access_token 是手动粘贴的，请先重新获取，旧凭证仍只带有旧的权限。'
          : '版本审核通过后重新发送。',
      ],
    }),
  };
}

const ID_MISMATCH_STEP_EN =
  'Match the ID to the user_id_type: an open_id starts with ou_, a union_id with on_, and a user_id is the ID of the user within the tenant.';
const ID_MISMATCH_STEP_ZH =
  '确认 ID 与 user_id_type 一致：open_id 以 ou_ 开头，union_id 以 on_ 开头，user_id 是用户在企业内的 ID。';

function userIdsEntry(code: number): Entry {
  return {
    id: `api.${code}`,
    docUrl: DOC_GENERIC,
    retryable: false,
    en: {
      title: 'User ID not found',
      explanation: 'Feishu found no user for the ID sent with the chosen user_id_type.',
      steps: [ID_MISMATCH_STEP_EN, 'Copy the ID again from a source that uses the same ID type and the same app.'],
    },
    zh: {
      title: '用户 ID 不存在',
      explanation: '按所选的 user_id_type，飞书找不到该 ID 对应的用户。',
      steps: [ID_MISMATCH_STEP_ZH, '从使用相同 ID 类型、相同应用的来源重新复制该 ID。'],
    },
  };
}

const GENERIC_ENTRIES: readonly (readonly [number, Entry])[] = [
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
  [99991668, userTokenEntry(99991668, false)],
  [99991677, userTokenEntry(99991677, true)],
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
  [
    99992351,
    {
      id: 'api.99992351',
      docUrl: DOC_GENERIC,
      retryable: false,
      en: {
        title: 'open_id not found',
        explanation:
          'Feishu found no user with this open_id for this app. An open_id belongs to one app: even the test version and the released version of an app see different open_ids.',
        steps: [
          'Check that user_id_type is open_id and that the ID starts with ou_.',
          "Get the user's open_id again through this same app, for example from the contact API or an event the app received.",
        ],
      },
      zh: {
        title: 'open_id 不存在',
        explanation:
          '飞书在当前应用下找不到该 open_id 对应的用户。open_id 只属于一个应用，即使是同一应用的测试版本和正式版本，看到的 open_id 也不相同。',
        steps: [
          '确认 user_id_type 为 open_id，且该 ID 以 ou_ 开头。',
          '通过当前应用重新获取该用户的 open_id，例如通过通讯录接口或应用收到的事件。',
        ],
      },
    },
  ],
  [99992352, userIdsEntry(99992352)],
  [99992353, userIdsEntry(99992353)],
  [
    99992360,
    {
      id: 'api.99992360',
      docUrl: DOC_GENERIC,
      retryable: false,
      en: {
        title: 'user_id not found',
        explanation: 'No user in this tenant has this user_id.',
        steps: [
          'Check that user_id_type is user_id and that the ID is not an open_id (ou_) or a union_id (on_).',
          'user_id_type=user_id also needs the field scope contact:user.employee_id:readonly: add it on the Permissions & Scopes page and publish a new version.',
        ],
      },
      zh: {
        title: 'user_id 不存在',
        explanation: '当前企业中没有使用该 user_id 的用户。',
        steps: [
          '确认 user_id_type 为 user_id，且该 ID 不是 open_id（ou_ 开头）或 union_id（on_ 开头）。',
          'user_id_type 为 user_id 时还需要字段权限 contact:user.employee_id:readonly：请在权限管理页面开通并发布新版本。',
        ],
      },
    },
  ],
  [
    99992363,
    {
      id: 'api.99992363',
      docUrl: DOC_GENERIC,
      retryable: false,
      en: {
        title: 'union_id not found',
        explanation: "No user has this union_id among the apps of this app's developer.",
        steps: [
          'Check that user_id_type is union_id and that the ID starts with on_.',
          'Copy the union_id again; it is the same only across apps of the same developer.',
        ],
      },
      zh: {
        title: 'union_id 不存在',
        explanation: '在该应用所属开发者的应用中，没有用户使用这个 union_id。',
        steps: ['确认 user_id_type 为 union_id，且该 ID 以 on_ 开头。', '重新复制 union_id；它只在同一开发者的应用之间保持一致。'],
      },
    },
  ],
  [
    99992361,
    {
      id: 'api.99992361',
      docUrl: DOC_GENERIC,
      retryable: false,
      en: {
        title: 'open_id belongs to another app',
        explanation:
          'The open_id was issued for a different app (or for the other version of this app, test or released), so this app cannot use it.',
        steps: [
          "Get the user's open_id again through this app.",
          'Or switch user_id_type to union_id or user_id, which stay the same across apps.',
        ],
      },
      zh: {
        title: 'open_id 属于其他应用',
        explanation: '该 open_id 是为其他应用（或本应用的另一个版本，测试版或正式版）生成的，当前应用无法使用。',
        steps: ['通过当前应用重新获取该用户的 open_id。', '或将 user_id_type 改为 union_id 或 user_id，它们在不同应用间保持一致。'],
      },
    },
  ],
  [
    99992402,
    {
      id: 'api.99992402',
      docUrl: DOC_GENERIC,
      retryable: false,
      en: (ctx) => ({
        title: 'Field validation failed',
        explanation:
          'Feishu rejected a field of the request as invalid' +
          (ctx.msg === undefined ? ' but named no field.' : `; its message names the field: "${ctx.msg}".`),
        steps: [
          'Fix the field: counts must be whole numbers from 0 to 2147483647, and user_id and version must not be empty.',
          'Send again.',
        ],
      }),
      zh: (ctx) => ({
        title: '字段校验失败',
        explanation:
          '飞书认为请求中的某个字段无效' +
          (ctx.msg === undefined ? '，但未指明是哪个字段。' : `，返回信息中指明了该字段：“${ctx.msg}”。`),
        steps: ['修正该字段：红点数量必须是 0 到 2147483647 之间的整数，user_id 和 version 不能为空。', '重新发送。'],
      }),
    },
  ],
];

const API_ENTRIES: ReadonlyMap<number, Entry> = new Map([...BADGE_ENTRIES, ...GENERIC_ENTRIES]);

/** Every Feishu code with an entry of its own; any other code gets the generic 'api.unknown' entry. */
export const CATALOG_API_CODES: readonly number[] = Object.freeze([...API_ENTRIES.keys()].sort((a, b) => a - b));

const UNKNOWN_API: Entry = {
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

// ---------------------------------------------------------------------------------------------
// HTTP errors without a Feishu JSON body: something other than the API answered, or the path is wrong.

const HTTP_429: Entry = {
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
    en: (ctx) => ({
      title: `Request rejected${httpNoteEn(ctx)}`,
      explanation:
        'The server rejected the request without a Feishu error body, so there is no error code to go by; it most likely came from a proxy or a wrong base URL.',
      steps: [
        'Check the domain setting or custom base URL, and any proxy in between.',
        "If it keeps failing, look at the full response in the extension's log.",
      ],
    }),
    zh: (ctx) => ({
      title: `请求被拒绝${httpNoteZh(ctx)}`,
      explanation: '服务器拒绝了请求，且没有飞书的错误内容，因此没有可参考的错误码；这很可能来自代理或错误的基础地址。',
      steps: ['检查域名设置或自定义基础地址，以及中间的代理。', '如果持续失败，请在插件日志中查看完整响应。'],
    }),
  },
  '5xx': {
    id: 'http.5xx',
    docUrl: DOC_GENERIC,
    retryable: true,
    en: (ctx) => ({
      title: `Feishu server error${httpNoteEn(ctx)}`,
      explanation:
        'Feishu or a gateway in front of it failed to handle the request. This is a problem on the server side, not in your request, and the extension already retried automatically.',
      steps: [
        'Try again in a few minutes.',
        'If you use a proxy or a custom base URL, check that it can reach Feishu.',
      ],
    }),
    zh: (ctx) => ({
      title: `飞书服务端错误${httpNoteZh(ctx)}`,
      explanation: '飞书或其前端网关未能处理该请求。这是服务端的问题，与请求内容无关，插件已自动重试过。',
      steps: ['几分钟后再试。', '如果使用了代理或自定义基础地址，请确认它能访问飞书。'],
    }),
  },
  other: {
    id: 'http.other',
    docUrl: DOC_BADGE_API,
    retryable: false,
    en: (ctx) => ({
      title: `Unexpected HTTP status${httpNoteEn(ctx)}`,
      explanation:
        'The server answered with a status the Feishu API does not use for this call; a redirect usually means the base URL points at a web page rather than the API.',
      steps: [
        'Check the domain setting or custom base URL: it must be the API root, for Feishu https://open.feishu.cn.',
        'Check that no proxy in between rewrites or redirects the request.',
      ],
    }),
    zh: (ctx) => ({
      title: `意外的 HTTP 状态${httpNoteZh(ctx)}`,
      explanation: '服务器返回的状态码不是飞书接口在此调用中会使用的；如果是重定向，通常说明基础地址指向了网页而不是 API。',
      steps: [
        '检查域名设置或自定义基础地址：它必须是 API 根地址，飞书为 https://open.feishu.cn。',
        '确认中间没有代理改写或重定向该请求。',
      ],
    }),
  },
};

function httpEntry(status: number | undefined): Entry {
  if (status === 401) return HTTP_ENTRIES['401'];
  if (status === 403) return HTTP_ENTRIES['403'];
  if (status === 404) return HTTP_ENTRIES['404'];
  if (status === 429) return HTTP_429;
  if (status !== undefined && status >= 500) return HTTP_ENTRIES['5xx'];
  if (status !== undefined && status >= 400) return HTTP_ENTRIES['4xx'];
  return HTTP_ENTRIES.other;
}

// ---------------------------------------------------------------------------------------------
// Connection-level failures: Feishu never answered, so there is no code and no log ID.

const NETWORK_ENTRIES: Readonly<Record<NetworkReason, Entry>> = {
  timeout: {
    id: 'network.timeout',
    docUrl: DOC_BADGE_API,
    retryable: true,
    en: {
      title: 'Request timed out',
      explanation:
        'No response arrived within the time limit set by feishuBadge.timeoutMs. The network may be slow, or a proxy may be holding the connection.',
      steps: [
        'Try again in a moment.',
        'If it keeps happening, check the network and any proxy, or raise the feishuBadge.timeoutMs setting.',
      ],
    },
    zh: {
      title: '请求超时',
      explanation: '在 feishuBadge.timeoutMs 设置的时限内没有收到响应。可能是网络较慢，或代理占住了连接。',
      steps: ['稍后再试。', '如果反复出现，请检查网络和代理，或调大 feishuBadge.timeoutMs 设置。'],
    },
  },
  refused: {
    id: 'network.refused',
    docUrl: DOC_BADGE_API,
    retryable: false,
    en: {
      title: 'Connection refused',
      explanation:
        'Nothing accepted the connection at the address the request went to. Usually a custom base URL or a proxy points at the wrong host or port, or the service there is not running.',
      steps: [
        'If you set a custom base URL, check its host and port.',
        'If you use a proxy, check that it is running and that its address is right.',
      ],
    },
    zh: {
      title: '连接被拒绝',
      explanation: '请求的目标地址上没有服务接受连接。通常是自定义基础地址或代理指向了错误的主机或端口，或者那里的服务没有运行。',
      steps: ['如果设置了自定义基础地址，请检查其主机和端口。', '如果使用了代理，请确认代理正在运行且地址正确。'],
    },
  },
  dns: {
    id: 'network.dns',
    docUrl: DOC_BADGE_API,
    // Usually a typo or a network that needs a proxy: waiting alone rarely fixes it.
    retryable: false,
    en: {
      title: 'Host name not found',
      explanation: 'The host name of the API could not be resolved to an address.',
      steps: [
        'Check the domain setting or custom base URL for typos.',
        'Check that this computer is online and can open the host in a browser.',
        'If your network requires a proxy, check that VS Code is set to use it.',
      ],
    },
    zh: {
      title: '无法解析域名',
      explanation: '无法将 API 的域名解析为地址。',
      steps: [
        '检查域名设置或自定义基础地址是否有拼写错误。',
        '确认本机已联网，并能在浏览器中打开该域名。',
        '如果所在网络需要代理，请确认 VS Code 已配置使用该代理。',
      ],
    },
  },
  reset: {
    id: 'network.reset',
    docUrl: DOC_BADGE_API,
    retryable: true,
    en: {
      title: 'Connection reset',
      explanation:
        'The connection was closed before a full response arrived, often by an unstable network, a VPN, or a proxy or firewall cutting it off.',
      steps: ['Try again.', 'If it keeps happening, check the VPN, proxy or firewall between you and Feishu.'],
    },
    zh: {
      title: '连接被重置',
      explanation: '在收到完整响应之前连接就被关闭了，常见原因是网络不稳定、VPN，或代理、防火墙中断了连接。',
      steps: ['重新发送。', '如果反复出现，请检查你与飞书之间的 VPN、代理或防火墙。'],
    },
  },
  tls: {
    id: 'network.tls',
    docUrl: DOC_BADGE_API,
    retryable: false,
    en: {
      title: 'Certificate not trusted (TLS)',
      explanation:
        "The secure connection failed because the server's certificate was not trusted. On corporate networks this is usually a proxy that re-signs HTTPS traffic with its own certificate.",
      steps: [
        "Get the proxy's root certificate from your IT department, point the NODE_EXTRA_CA_CERTS environment variable at it, and restart VS Code.",
        "Or review VS Code's http.proxyStrictSSL setting; turning it off disables certificate checks, so keep that as a last resort.",
        'If you set a custom base URL, check that its certificate is valid for its host name.',
      ],
    },
    zh: {
      title: '证书不受信任（TLS）',
      explanation: '服务器证书不受信任，安全连接建立失败。在公司网络中，这通常是代理用自己的证书重新签发了 HTTPS 流量。',
      steps: [
        '向 IT 部门索取代理的根证书，将环境变量 NODE_EXTRA_CA_CERTS 指向该证书，然后重启 VS Code。',
        '或检查 VS Code 的 http.proxyStrictSSL 设置；关闭它会停用证书校验，只应作为最后手段。',
        '如果设置了自定义基础地址，请确认其证书与域名匹配且有效。',
      ],
    },
  },
  'not-sent': {
    id: 'network.not-sent',
    docUrl: DOC_TOKEN,
    retryable: false,
    en: {
      title: 'Request not sent',
      explanation:
        'The request was refused on this computer before anything was sent: a header value, usually a pasted tenant_access_token, holds a line break, a space or another character a token cannot have.',
      steps: [
        'Paste the token again with "Feishu Badge: Use Tenant Access Token", copying only the token itself.',
        'Or configure the App ID and App Secret so the extension fetches tokens itself.',
      ],
    },
    zh: {
      title: '请求未发送',
      explanation: '请求在发送之前就在本机被拒绝：某个请求头的值（通常是粘贴的 tenant_access_token）含有换行、空格或其他访问凭证不可能包含的字符。',
      steps: ['通过“飞书应用红点：使用 Tenant Access Token”重新粘贴，只复制访问凭证本身。', '或配置 App ID 和 App Secret，由插件自行获取访问凭证。'],
    },
  },
  other: {
    id: 'network.other',
    docUrl: DOC_BADGE_API,
    retryable: true,
    en: {
      title: 'Network error',
      explanation: 'The request failed at the network level before Feishu answered.',
      steps: ['Check the network connection and any proxy or VPN.', 'Try again.'],
    },
    zh: {
      title: '网络错误',
      explanation: '请求在飞书响应之前就在网络层面失败了。',
      steps: ['检查网络连接以及代理或 VPN。', '重新发送。'],
    },
  },
};

// ---------------------------------------------------------------------------------------------
// Failures decided on this side of the wire.

const INVALID_RESPONSE: Entry = {
  id: 'invalid-response',
  docUrl: DOC_BADGE_API,
  retryable: false,
  en: (ctx) => ({
    title: 'Response is not from the Feishu API',
    explanation: `The server answered${httpNoteEn(ctx)} with something other than Feishu JSON, for example the login page of a proxy or captive portal (hotel or guest Wi-Fi), or a web page because a custom base URL points at the wrong place.`,
    steps: [
      'Open the API host in a browser to see whether the network asks you to sign in first.',
      'Check the domain setting or custom base URL: it must be the API root, for Feishu https://open.feishu.cn.',
      "Look at the start of the response in the extension's log to see who answered.",
    ],
  }),
  zh: (ctx) => ({
    title: '响应不是飞书接口返回的',
    explanation: `服务器返回的内容${httpNoteZh(ctx)}不是飞书的 JSON，例如代理或认证门户（酒店、访客 Wi-Fi）的登录页面，或因自定义基础地址有误而返回的网页。`,
    steps: [
      '在浏览器中打开 API 域名，查看网络是否要求先登录。',
      '检查域名设置或自定义基础地址：它必须是 API 根地址，飞书为 https://open.feishu.cn。',
      '在插件日志中查看响应的开头部分，判断是谁返回的。',
    ],
  }),
};

/** Whether a redirect's origin could be a base URL (https, or plain http to loopback only). */
function usableBase(origin: string | undefined): origin is string {
  return origin !== undefined && (/^https:\/\//.test(origin) || /^http:\/\/(localhost|127\.\d{1,3}\.\d{1,3}\.\d{1,3}|\[::1\])(:\d+)?$/.test(origin));
}

const REDIRECT: Entry = {
  id: 'invalid-response.redirect',
  docUrl: DOC_BADGE_API,
  retryable: false,
  en: (ctx) => ({
    title: 'Redirect not followed',
    explanation: `The server answered${httpNoteEn(ctx)} with a redirect to ${ctx.redirectOrigin === undefined || ctx.redirectOrigin === 'unknown' ? 'an unreadable location' : ctx.redirectOrigin}. Feishu Badge never follows redirects, so the App Secret and tokens only go to the configured API base; nothing was sent there.`,
    steps: [
      usableBase(ctx.redirectOrigin)
        ? `If you trust ${ctx.redirectOrigin}, use it as the base URL: set feishuBadge.domain to "custom" and feishuBadge.customBaseUrl to ${ctx.redirectOrigin} (in your user settings).`
        : ctx.redirectOrigin === undefined || ctx.redirectOrigin === 'unknown'
          ? 'Check the domain setting or custom base URL: it must be the API root, for Feishu https://open.feishu.cn.'
          : `${ctx.redirectOrigin} is not https, so it cannot be the base URL: tokens would cross the network unencrypted.`,
      'Otherwise check the domain setting or custom base URL, and whether a proxy rewrites requests.',
    ],
  }),
  zh: (ctx) => ({
    title: '未跟随重定向',
    explanation: `服务器${httpNoteZh(ctx)}返回了指向 ${ctx.redirectOrigin === undefined || ctx.redirectOrigin === 'unknown' ? '无法识别的地址' : ctx.redirectOrigin} 的重定向。飞书应用红点从不跟随重定向，App Secret 和访问凭证只会发往配置的 API 基础地址；没有向该地址发送任何内容。`,
    steps: [
      usableBase(ctx.redirectOrigin)
        ? `如果信任 ${ctx.redirectOrigin}，请把它设为基础地址：在用户设置中将 feishuBadge.domain 设为“custom”，feishuBadge.customBaseUrl 设为 ${ctx.redirectOrigin}。`
        : ctx.redirectOrigin === undefined || ctx.redirectOrigin === 'unknown'
          ? '检查域名设置或自定义基础地址：它必须是 API 根地址，飞书为 https://open.feishu.cn。'
          : `${ctx.redirectOrigin} 不是 https 地址，不能用作基础地址：访问凭证会以明文穿过网络。`,
      '否则请检查域名设置或自定义基础地址，以及是否有代理改写了请求。',
    ],
  }),
};

const CANCELLED: Entry = {
  id: 'cancelled',
  docUrl: DOC_BADGE_API,
  // Cancelling was the user's choice; repeating it is theirs too, not an automatic retry.
  retryable: false,
  en: {
    title: 'Request cancelled',
    explanation:
      'The request was cancelled before it finished, so the badge may or may not have been set.',
    steps: ['Send again if you still want to set this badge.'],
  },
  zh: {
    title: '请求已取消',
    explanation: '请求在完成前被取消，红点可能已设置，也可能没有。',
    steps: ['如果仍需设置该红点，请重新发送。'],
  },
};

const BAD_BASE_URL: Entry = {
  id: 'bad-base-url',
  docUrl: DOC_BADGE_API,
  retryable: false,
  en: {
    title: 'Custom base URL not allowed',
    explanation:
      'The custom base URL was refused: it must be a valid https:// URL. Plain http:// is allowed only to a loopback host (127.0.0.1, localhost or [::1]) for local testing, because the App Secret and tokens would otherwise travel unencrypted.',
    steps: [
      'Open the settings and correct the custom base URL, for example https://open.feishu.cn.',
      'Or clear it to use the standard Feishu or Lark domain.',
    ],
  },
  zh: {
    title: '自定义基础地址不可用',
    explanation:
      '自定义基础地址被拒绝：它必须是合法的 https:// 地址。只有指向本机回环地址（127.0.0.1、localhost 或 [::1]）时才允许 http://，用于本地测试，否则 App Secret 和访问凭证会以明文传输。',
    steps: ['打开设置，修正自定义基础地址，例如 https://open.feishu.cn。', '或清空该设置，使用标准的飞书或 Lark 域名。'],
  },
};

const NO_CREDENTIALS: Entry = {
  id: 'no-credentials',
  docUrl: DOC_TOKEN,
  retryable: false,
  en: {
    title: 'No credentials configured',
    explanation: 'The extension has no App ID and App Secret, and no tenant_access_token, to call Feishu with.',
    steps: [
      `Run ${CONFIGURE_EN} from the Command Palette.`,
      "Enter the App ID and App Secret from the app's Credentials & Basic Info page in the developer console, or paste a tenant_access_token for a store app.",
    ],
  },
  zh: {
    title: '尚未配置凭据',
    explanation: '插件没有可用于调用飞书的 App ID 和 App Secret，也没有 tenant_access_token。',
    steps: [
      `从命令面板运行${CONFIGURE_ZH}。`,
      '填写开发者后台应用“凭证与基础信息”页面中的 App ID 和 App Secret；商店应用也可以粘贴 tenant_access_token。',
    ],
  },
};

// ---------------------------------------------------------------------------------------------
// Public API.

/**
 * Maps a locale tag (VS Code's `env.language`, a BCP 47 tag or a POSIX `LANG`) to a shipped
 * locale. Every Chinese variant gets Simplified Chinese: it is the only Chinese text we ship, and
 * readers of Traditional Chinese are better served by it than by English.
 */
export function normalizeLocale(tag: string | undefined): Locale {
  if (tag === undefined) return 'en';
  // POSIX tags carry an encoding or modifier ('zh_CN.UTF-8', 'zh_CN@pinyin') that says nothing of language.
  const language = tag.trim().toLowerCase().split(/[.@]/)[0]?.split(/[-_]/)[0];
  return language === 'zh' ? 'zh-cn' : 'en';
}

/** The guidance for one failure, in the given locale. */
export function guidanceFor(failure: FailureDescriptor, locale: Locale): Guidance {
  switch (failure.kind) {
    case 'api': {
      const ctx: Context = {
        code: cleanCode(failure.code),
        httpStatus: cleanStatus(failure.httpStatus),
        msg: cleanMsg(failure.msg),
        logId: cleanLogId(failure.logId),
      };
      const known = ctx.code === undefined ? undefined : API_ENTRIES.get(ctx.code);
      // A 429 is a rate limit whatever the body's code says, and the client treats it as one.
      const entry = known ?? (ctx.httpStatus === 429 ? HTTP_429 : UNKNOWN_API);
      return build(entry, ctx, locale, true);
    }
    case 'http': {
      const ctx: Context = { httpStatus: cleanStatus(failure.httpStatus), logId: cleanLogId(failure.logId) };
      return build(httpEntry(ctx.httpStatus), ctx, locale, true);
    }
    case 'invalid-response': {
      const redirectOrigin = cleanOrigin(failure.redirectOrigin);
      const ctx: Context = { httpStatus: cleanStatus(failure.httpStatus), logId: cleanLogId(failure.logId), ...(redirectOrigin === undefined ? {} : { redirectOrigin }) };
      return build(failure.redirectOrigin === undefined ? INVALID_RESPONSE : REDIRECT, ctx, locale, true);
    }
    case 'network':
      // An unknown reason from a newer caller still gets network guidance rather than a crash.
      return build(NETWORK_ENTRIES[failure.reason] ?? NETWORK_ENTRIES.other, {}, locale, false);
    case 'cancelled':
      return build(CANCELLED, {}, locale, false);
    case 'bad-base-url':
      return build(BAD_BASE_URL, {}, locale, false);
    case 'no-credentials':
      return build(NO_CREDENTIALS, {}, locale, false);
    default: {
      const unhandled: never = failure;
      throw new Error(`Unhandled failure kind: ${JSON.stringify(unhandled)}`);
    }
  }
}

function build(entry: Entry, ctx: Context, locale: Locale, fromServer: boolean): Guidance {
  const texts = resolve(locale === 'zh-cn' ? entry.zh : entry.en, ctx);
  // Every server error surfaces its log ID: it is what log search and Feishu support ask for.
  const steps =
    fromServer && ctx.logId !== undefined ? [...texts.steps, logIdStep(locale, ctx.logId)] : [...texts.steps];
  const guidance: Guidance = {
    id: entry.id,
    title: texts.title,
    explanation: texts.explanation,
    steps: Object.freeze(steps),
    docUrl: entry.docUrl,
    retryable: typeof entry.retryable === 'function' ? entry.retryable(ctx) : entry.retryable,
  };
  if (ctx.code !== undefined) guidance.code = ctx.code;
  return guidance;
}

function cleanCode(code: number): number | undefined {
  return Number.isSafeInteger(code) ? code : undefined;
}

function cleanStatus(status: number | undefined): number | undefined {
  return status !== undefined && Number.isInteger(status) && status >= 100 && status <= 599 ? status : undefined;
}

function cleanMsg(msg: string | undefined): string | undefined {
  if (typeof msg !== 'string') return undefined;
  const oneLine = msg.replace(/\s+/g, ' ').trim();
  if (oneLine === '') return undefined;
  return oneLine.length > MAX_MSG_CHARS ? `${oneLine.slice(0, MAX_MSG_CHARS - 1)}…` : oneLine;
}

/** An origin as `new URL().origin` gives it (no path, query or user info), or `unknown`. */
function cleanOrigin(origin: string | undefined): string | undefined {
  if (origin === undefined) return undefined;
  try {
    const parsed = new URL(origin).origin;
    return parsed === origin ? parsed : 'unknown';
  } catch {
    return 'unknown';
  }
}

function cleanLogId(logId: string | undefined): string | undefined {
  if (typeof logId !== 'string') return undefined;
  const trimmed = logId.trim();
  return trimmed === '' ? undefined : trimmed;
}

/** The catalog descriptor of a failed exchange. A non-JSON answer with an HTTP error status is an HTTP failure. */
export function describeOutcome(outcome: Exclude<Outcome, { kind: 'success' }>): FailureDescriptor {
  const withLogId = <T extends FailureDescriptor>(descriptor: T, logId: string | undefined): T =>
    logId === undefined ? descriptor : { ...descriptor, logId };
  switch (outcome.kind) {
    case 'api-error':
      return withLogId({ kind: 'api', code: outcome.code, httpStatus: outcome.httpStatus, msg: outcome.msg }, outcome.logId);
    case 'invalid-response':
      if (outcome.redirectOrigin !== undefined) {
        return withLogId({ kind: 'invalid-response', httpStatus: outcome.httpStatus, redirectOrigin: outcome.redirectOrigin }, outcome.logId);
      }
      return outcome.httpStatus >= 400
        ? withLogId({ kind: 'http', httpStatus: outcome.httpStatus }, outcome.logId)
        : withLogId({ kind: 'invalid-response', httpStatus: outcome.httpStatus }, outcome.logId);
    case 'network':
      return { kind: 'network', reason: outcome.reason };
    case 'cancelled':
      return { kind: 'cancelled' };
  }
}

/** The catalog descriptor of a badge result, or `undefined` when it succeeded. */
export function describeResult(result: BadgeResult): FailureDescriptor | undefined {
  if (result.kind === 'success') {
    return undefined;
  }
  return describeOutcome(result.kind === 'token-error' ? result.cause : result);
}
