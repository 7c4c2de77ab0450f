import type { NetworkReason } from '../types.ts';
import { CONFIGURE_EN, CONFIGURE_ZH, DOC_BADGE_API, DOC_TOKEN, httpNoteEn, httpNoteZh } from './phrases.ts';
import type { Context, Entry } from './phrases.ts';

// Connection-level failures: Feishu never answered, so there is no code and no log ID.

export const NETWORK_ENTRIES: Readonly<Record<NetworkReason, Entry>> = {
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

// Failures decided on this side of the wire.

export const INVALID_RESPONSE: Entry = {
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

export const TOO_LARGE: Entry = {
  id: 'invalid-response.too-large',
  docUrl: DOC_BADGE_API,
  retryable: false,
  en: (ctx) => ({
    title: 'Response too large',
    explanation: `The server answered${httpNoteEn(ctx)} with a body over 64 KiB, far more than any Feishu answer, so it was dropped unread and the connection closed. Whatever sent it is probably not the Feishu API: a proxy, a download or a misconfigured gateway.`,
    steps: [
      'Check the domain setting or custom base URL: it must be the API root, for Feishu https://open.feishu.cn.',
      'If you use a proxy, check that it passes API requests through unchanged.',
    ],
  }),
  zh: (ctx) => ({
    title: '响应过大',
    explanation: `服务器返回的响应体${httpNoteZh(ctx)}超过 64 KiB，远大于任何飞书接口的响应，因此未读取即被丢弃，连接已关闭。发送它的很可能不是飞书接口，而是代理、下载内容或配置有误的网关。`,
    steps: [
      '检查域名设置或自定义基础地址：它必须是 API 根地址，飞书为 https://open.feishu.cn。',
      '如果使用代理，请确认它原样转发 API 请求。',
    ],
  }),
};

/** Whether a redirect's origin could be a base URL (https, or plain http to loopback only). */
function usableBase(origin: string | undefined): origin is string {
  return origin !== undefined && (/^https:\/\//.test(origin) || /^http:\/\/(localhost|127\.\d{1,3}\.\d{1,3}\.\d{1,3}|\[::1\])(:\d+)?$/.test(origin));
}

// guidanceFor turns an origin it cannot read into 'unknown'; the text names only one it could.
function readableOrigin(ctx: Context): string | undefined {
  return ctx.redirectOrigin === 'unknown' ? undefined : ctx.redirectOrigin;
}

export const REDIRECT: Entry = {
  id: 'invalid-response.redirect',
  docUrl: DOC_BADGE_API,
  retryable: false,
  en: (ctx) => {
    const origin = readableOrigin(ctx);
    return {
      title: 'Redirect not followed',
      explanation: `The server answered${httpNoteEn(ctx)} with a redirect to ${origin ?? 'an unreadable location'}. Feishu Badge never follows redirects, so the App Secret and tokens only go to the configured API base; nothing was sent there.`,
      steps: [
        usableBase(origin)
          ? `If you trust ${origin}, use it as the base URL: set feishuBadge.domain to "custom" and feishuBadge.customBaseUrl to ${origin} (in your user settings).`
          : origin === undefined
            ? 'Check the domain setting or custom base URL: it must be the API root, for Feishu https://open.feishu.cn.'
            : `${origin} is not https, so it cannot be the base URL: tokens would cross the network unencrypted.`,
        'Otherwise check the domain setting or custom base URL, and whether a proxy rewrites requests.',
      ],
    };
  },
  zh: (ctx) => {
    const origin = readableOrigin(ctx);
    return {
      title: '未跟随重定向',
      explanation: `服务器${httpNoteZh(ctx)}返回了指向 ${origin ?? '无法识别的地址'} 的重定向。飞书应用红点从不跟随重定向，App Secret 和访问凭证只会发往配置的 API 基础地址；没有向该地址发送任何内容。`,
      steps: [
        usableBase(origin)
          ? `如果信任 ${origin}，请把它设为基础地址：在用户设置中将 feishuBadge.domain 设为“custom”，feishuBadge.customBaseUrl 设为 ${origin}。`
          : origin === undefined
            ? '检查域名设置或自定义基础地址：它必须是 API 根地址，飞书为 https://open.feishu.cn。'
            : `${origin} 不是 https 地址，不能用作基础地址：访问凭证会以明文穿过网络。`,
        '否则请检查域名设置或自定义基础地址，以及是否有代理改写了请求。',
      ],
    };
  },
};

export const CANCELLED: Entry = {
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

export const SUPERSEDED: Entry = {
  id: 'superseded',
  docUrl: DOC_BADGE_API,
  // Nothing to repeat: the newer badge is the one that counts.
  retryable: false,
  en: {
    title: 'Superseded by a newer badge',
    explanation:
      'A newer badge for this user was sent after this one; this one was not re-sent so it cannot overwrite it. Feishu answered this one with a version conflict because the newer one had already been given a newer version.',
    steps: ['Nothing to do: the newer badge is the one that stays. Check its result if you are not sure it was set.'],
  },
  zh: {
    title: '已被更新的红点取代',
    explanation: '在此之后已为该用户发送了更新的红点；此请求未重新发送，因此不会覆盖它。飞书对此请求返回了版本冲突，因为较新的请求已使用了更新的版本号。',
    steps: ['无需处理：保留的是较新的红点。如不确定它是否设置成功，请查看它的结果。'],
  },
};

export const BAD_BASE_URL: Entry = {
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

export const NO_CREDENTIALS: Entry = {
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
