import type { Locale } from '../types.ts';

// What every section of the guidance shares: the shape of an entry, the doc pages and command
// titles it points at, and the phrases several entries build their text from.

export const DOC_BADGE_API = 'https://open.feishu.cn/document/server-docs/application-v6/app_badge/set';
export const DOC_AVAILABILITY = 'https://open.feishu.cn/document/home/introduction-to-scope-and-authorization/availability';
export const DOC_GENERIC = 'https://open.feishu.cn/document/server-docs/api-call-guide/generic-error-code';
export const DOC_RATE_LIMIT = 'https://open.feishu.cn/document/server-docs/api-call-guide/frequency-control';
export const DOC_TOKEN =
  'https://open.feishu.cn/document/server-docs/authentication-management/access-token/tenant_access_token_internal';

// Command titles as the palette shows them, so users can type exactly what they read.
export const CONFIGURE_EN = '"Feishu Badge: Configure Credentials"';
export const CONFIGURE_ZH = '“飞书应用红点：配置凭据”';

export interface Texts {
  readonly title: string;
  readonly explanation: string;
  readonly steps: readonly string[];
}

/** Cleaned facts from the descriptor: absent values are `undefined`, never empty strings. */
export interface Context {
  readonly code?: number;
  readonly httpStatus?: number;
  readonly msg?: string;
  readonly logId?: string;
  /** Where a refused redirect pointed: an origin only, never a path or query. */
  readonly redirectOrigin?: string;
}

export type TextSource = Texts | ((ctx: Context) => Texts);

export interface Entry {
  readonly id: string;
  readonly docUrl: string;
  readonly retryable: boolean | ((ctx: Context) => boolean);
  readonly en: TextSource;
  readonly zh: TextSource;
}

export function resolve(source: TextSource, ctx: Context): Texts {
  return typeof source === 'function' ? source(ctx) : source;
}

// Shared phrases. Each helper returns '' when its fact is missing, so text never reads "undefined".

export function quotedMsgEn(ctx: Context): string {
  return ctx.msg === undefined ? '' : ` Feishu's message: "${ctx.msg}".`;
}

export function quotedMsgZh(ctx: Context): string {
  return ctx.msg === undefined ? '' : `飞书返回的信息：“${ctx.msg}”。`;
}

export function httpNoteEn(ctx: Context): string {
  return ctx.httpStatus === undefined ? '' : ` (HTTP ${ctx.httpStatus})`;
}

export function httpNoteZh(ctx: Context): string {
  return ctx.httpStatus === undefined ? '' : `（HTTP ${ctx.httpStatus}）`;
}

export function logIdStep(locale: Locale, logId: string): string {
  // No trailing punctuation: users copy the ID straight from the end of the line.
  return locale === 'zh-cn'
    ? `在开发者后台的日志查询中搜索此日志 ID，或将其提供给飞书技术支持：${logId}`
    : `Search this log ID in the developer console's log search, or give it to Feishu support: ${logId}`;
}

// Here rather than with either user: api.99991400 (platformCodes.ts) and http.429 (httpStatus.ts) share it.
export function rateLimitedTexts(locale: Locale, ctx: Context): Texts {
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
