import type { Locale } from '../core/types.ts';

// Every text the form shows, except validation messages (core/messages.ts) and what the host
// sends (guidance, settings problems), which arrive already in the display language.
// Terms follow the host's l10n bundle: web app = 网页应用, mini program (gadget) = 小程序.
const table = {
  'form.title': { en: 'Feishu app badge', 'zh-cn': '飞书应用红点' },

  'connection.legend': { en: 'Connection', 'zh-cn': '连接' },
  'connection.domain': { en: 'Domain', 'zh-cn': '域名' },
  'connection.profile': { en: 'Profile', 'zh-cn': '配置' },
  'connection.production': { en: 'production: sends ask first', 'zh-cn': '生产环境：发送前确认' },
  'connection.productionShort': { en: 'production', 'zh-cn': '生产环境' },
  'connection.baseUrl': { en: 'API base', 'zh-cn': '接口地址' },
  'connection.credentials': { en: 'Credentials', 'zh-cn': '凭据' },
  'connection.selfBuilt': { en: 'Self-built app {appId}', 'zh-cn': '自建应用 {appId}' },
  'connection.manual': { en: 'Pasted tenant access token', 'zh-cn': '手动粘贴的 tenant_access_token' },
  'connection.none': { en: 'Not set: configure credentials first.', 'zh-cn': '未设置：请先配置凭据。' },
  'connection.unknown': { en: 'Waiting for the extension…', 'zh-cn': '正在等待扩展…' },
  'connection.problem': { en: 'Settings problem: {problem}', 'zh-cn': '设置有误：{problem}' },
  'connection.switchProfile': { en: 'Profile: {name}. Click to switch.', 'zh-cn': '配置：{name}。点击切换。' },
  'empty.title': { en: 'Connect your Feishu app', 'zh-cn': '连接你的飞书应用' },
  'empty.body': {
    en: "Feishu Badge sends with your app's App ID and App Secret (kept in the OS keychain) or a tenant access token.",
    'zh-cn': '飞书应用红点使用你的应用的 App ID 和 App Secret（保存在系统钥匙串中）或 tenant_access_token 发送。',
  },
  'empty.connect': { en: 'Connect your app', 'zh-cn': '连接你的应用' },
  'empty.token': { en: 'or paste a tenant access token', 'zh-cn': '或粘贴 tenant_access_token' },
  'empty.tour': { en: 'Take the four-step tour', 'zh-cn': '查看四步入门引导' },
  'empty.sandbox': { en: 'No tenant at hand? Try it against a local sandbox.', 'zh-cn': '手头没有租户？先在本地沙盒中试用。' },
  'send.needsCredentials': { en: 'Connect your app first (no credentials yet).', 'zh-cn': '请先连接你的应用（尚未配置凭据）。' },
  'result.details': { en: 'Details', 'zh-cn': '详情' },
  'result.ok': { en: 'Succeeded', 'zh-cn': '成功' },
  'result.failed': { en: 'Failed', 'zh-cn': '失败' },
  'result.notSent': { en: 'Not sent', 'zh-cn': '未发送' },

  'target.legend': { en: 'Target user', 'zh-cn': '目标用户' },
  'target.userId': { en: 'User ID', 'zh-cn': '用户 ID' },
  'target.userIdType': { en: 'ID type', 'zh-cn': 'ID 类型' },
  'target.recent': { en: 'Recent users', 'zh-cn': '最近使用的用户' },
  'target.recentPlaceholder': { en: 'Choose a recent user…', 'zh-cn': '选择最近使用的用户…' },
  'remembered.line': {
    en: 'Last set by this extension: PC {pc} · mobile {mobile} · version {version} · {time}',
    'zh-cn': '本扩展上次设置：PC 端 {pc} · 移动端 {mobile} · 版本号 {version} · {time}',
  },
  'remembered.none': { en: 'Not set from this extension yet.', 'zh-cn': '尚未通过本扩展为该用户设置过红点。' },

  'history.legend': { en: 'History', 'zh-cn': '历史记录' },
  'history.hint': { en: 'The {count} most recent requests. Re-sending uses a new version.', 'zh-cn': '最近 {count} 条请求。重新发送时使用新的版本号。' },
  'history.profile': { en: 'profile {profile}', 'zh-cn': '配置 {profile}' },
  'history.empty': { en: 'No requests yet.', 'zh-cn': '暂无请求。' },
  'history.counts': { en: 'PC {pc} · mobile {mobile}', 'zh-cn': 'PC 端 {pc} · 移动端 {mobile}' },
  'history.ok': { en: 'Succeeded:', 'zh-cn': '成功：' },
  'history.failed': { en: 'Failed:', 'zh-cn': '失败：' },
  'history.code': { en: 'code {code}', 'zh-cn': '错误码 {code}' },
  'history.resend': { en: 'Re-send', 'zh-cn': '重新发送' },
  'history.resendLabel': { en: 'Re-send the request to {user}', 'zh-cn': '重新发送给 {user} 的请求' },

  'counts.legend': { en: 'Badge counts', 'zh-cn': '红点数量' },
  'counts.hint': { en: 'Leave a count empty to leave it out of the request.', 'zh-cn': '留空的数量不会出现在请求中。' },
  'counts.pc': { en: 'PC', 'zh-cn': 'PC 端' },
  'counts.mobile': { en: 'Mobile', 'zh-cn': '移动端' },
  'counts.webApp': { en: 'Web app', 'zh-cn': '网页应用' },
  'counts.gadget': { en: 'Mini program', 'zh-cn': '小程序' },
  'counts.fieldName': { en: '{client} {kind}', 'zh-cn': '{client}{kind}' },
  'counts.sameOnBoth': { en: 'Same counts on mobile as on PC', 'zh-cn': '移动端与 PC 端数量相同' },
  'counts.increase': { en: 'Increase {field}', 'zh-cn': '增加{field}' },
  'counts.decrease': { en: 'Decrease {field}', 'zh-cn': '减少{field}' },

  'version.legend': { en: 'Version', 'zh-cn': '版本号' },
  'version.auto': { en: 'Automatic', 'zh-cn': '自动' },
  'version.manual': { en: 'Manual', 'zh-cn': '手动' },
  'version.autoValue': { en: 'Next version: {version} (estimate; the extension picks the final one when sending).', 'zh-cn': '下一个版本号：{version}（预估值，发送时由扩展确定）。' },
  'version.autoUnknown': { en: 'The extension picks a newer version when sending.', 'zh-cn': '发送时由扩展生成更新的版本号。' },
  'version.manualLabel': { en: 'Version (epoch milliseconds)', 'zh-cn': '版本号（毫秒时间戳）' },
  'version.placeholder': { en: '(automatic)', 'zh-cn': '(自动)' },

  'extra.label': { en: 'Extra', 'zh-cn': '附加信息 (extra)' },
  'extra.hint': { en: 'Optional text sent as "extra"; apps usually expect JSON.', 'zh-cn': '可选，作为 extra 字段发送；应用通常期望 JSON。' },

  'preview.legend': { en: 'Request preview', 'zh-cn': '请求预览' },
  'preview.query': { en: 'Query string', 'zh-cn': '查询参数' },
  'preview.body': { en: 'JSON body', 'zh-cn': 'JSON 请求体' },
  'preview.invalid': { en: 'The input has problems; this is what it would look like.', 'zh-cn': '输入有问题；以下仅为示意。' },

  'action.send': { en: 'Send', 'zh-cn': '发送' },
  'action.clear': { en: 'Clear badge', 'zh-cn': '清除红点' },
  'action.cancel': { en: 'Cancel', 'zh-cn': '取消' },
  'action.copyCurl': { en: 'Copy as curl', 'zh-cn': '复制为 curl' },
  'action.copyHttp': { en: 'Copy as .http', 'zh-cn': '复制为 .http' },
  'action.copyLogId': { en: 'Copy log ID', 'zh-cn': '复制日志 ID' },
  'action.openDocs': { en: 'Open documentation', 'zh-cn': '打开文档' },
  'send.blockedOne': { en: 'Cannot send yet: {first}', 'zh-cn': '暂时无法发送：{first}' },
  'send.blockedMany': { en: 'Cannot send yet: {count} problems. First: {first}', 'zh-cn': '暂时无法发送：共 {count} 个问题。第一个：{first}' },
  'send.busy.send': { en: 'Sending…', 'zh-cn': '正在发送…' },
  'send.busy.clear': { en: 'Clearing…', 'zh-cn': '正在清除…' },
  'copied.curl': { en: 'Copied as curl (token not included).', 'zh-cn': '已复制为 curl（不含令牌）。' },
  'copied.http': { en: 'Copied as .http (token not included).', 'zh-cn': '已复制为 .http（不含令牌）。' },
  'copied.logId': { en: 'Log ID copied.', 'zh-cn': '已复制日志 ID。' },

  'issue.error': { en: 'Error:', 'zh-cn': '错误：' },
  'issue.warning': { en: 'Warning:', 'zh-cn': '警告：' },

  'result.legend': { en: 'Response', 'zh-cn': '响应' },
  'result.none': { en: 'Nothing sent yet.', 'zh-cn': '尚未发送。' },
  'result.ok.send': { en: 'Badge set', 'zh-cn': '红点已设置' },
  'result.ok.clear': { en: 'Badge cleared', 'zh-cn': '红点已清除' },
  'result.error.validation': { en: 'Not sent: the input is invalid', 'zh-cn': '未发送：输入无效' },
  'result.error.no-credentials': { en: 'Not sent: no credentials', 'zh-cn': '未发送：没有凭据' },
  'result.error.bad-settings': { en: 'Not sent: the settings are invalid', 'zh-cn': '未发送：设置无效' },
  'result.error.token': { en: 'Could not get a tenant access token', 'zh-cn': '无法获取 tenant_access_token' },
  'result.error.untrusted-origin': { en: 'Not sent: the API base changed and was not confirmed', 'zh-cn': '未发送：API 基础地址已变更且未确认' },
  'result.error.not-sent': { en: 'Not sent: the request was refused on this computer', 'zh-cn': '未发送：请求在本机被拒绝' },
  'result.error.timeout': { en: 'Timed out', 'zh-cn': '请求超时' },
  'result.error.network': { en: 'Network error', 'zh-cn': '网络错误' },
  'result.error.invalid-response': { en: 'Unexpected response', 'zh-cn': '响应格式异常' },
  'result.error.api': { en: 'Feishu returned an error', 'zh-cn': '飞书返回了错误' },
  'result.error.cancelled': { en: 'Cancelled', 'zh-cn': '已取消' },
  'result.error.superseded': { en: 'Not re-sent: a newer badge for this user was sent after this one', 'zh-cn': '未重新发送：之后已为该用户发送了更新的红点' },
  'result.error.unknown': { en: 'Failed', 'zh-cn': '失败' },
  'result.httpStatus': { en: 'HTTP status', 'zh-cn': 'HTTP 状态码' },
  'result.code': { en: 'Code', 'zh-cn': '错误码' },
  'result.msg': { en: 'Message', 'zh-cn': '消息' },
  'result.duration': { en: 'Duration', 'zh-cn': '耗时' },
  'result.durationValue': { en: '{ms} ms', 'zh-cn': '{ms} 毫秒' },
  'result.attempts': { en: 'Attempts', 'zh-cn': '尝试次数' },
  'result.version': { en: 'Version', 'zh-cn': '版本号' },
  'result.logId': { en: 'Log ID', 'zh-cn': '日志 ID' },
  'result.headers': { en: 'Response headers', 'zh-cn': '响应头' },
  'result.retries': { en: 'Retries', 'zh-cn': '重试' },
  'result.retry': { en: 'Attempt {attempt}: {reason}{status}; waited {delay} ms', 'zh-cn': '第 {attempt} 次尝试：{reason}{status}；等待 {delay} 毫秒' },
  'result.retryStatus': { en: ' (HTTP {httpStatus}, code {code})', 'zh-cn': '（HTTP {httpStatus}，错误码 {code}）' },
  'result.retryStatusHttp': { en: ' (HTTP {httpStatus})', 'zh-cn': '（HTTP {httpStatus}）' },
  'result.retryNewVersion': { en: '; next version {version}', 'zh-cn': '；下一个版本号 {version}' },
  'retry.rate-limited': { en: 'rate limited', 'zh-cn': '请求频率超限' },
  'retry.server-error': { en: 'server error', 'zh-cn': '服务端错误' },
  'retry.network': { en: 'network error', 'zh-cn': '网络错误' },
  'retry.version-conflict': { en: 'version not newer than the last one', 'zh-cn': '版本号不比上次新' },
  'retry.concurrent-update': { en: 'concurrent update of the same user', 'zh-cn': '同一用户被并发更新' },
  'retry.token-invalid': { en: 'token expired or invalid; fetched a new one', 'zh-cn': '令牌过期或无效，已重新获取' },
  'result.steps': { en: 'What to do', 'zh-cn': '处理步骤' },
  'result.issues': { en: 'Problems in the request', 'zh-cn': '请求中的问题' },
  'result.raw': { en: 'Raw response', 'zh-cn': '原始响应' },
} as const satisfies Record<string, Record<Locale, string>>;

export type StringId = keyof typeof table;

export function t(id: StringId, locale: Locale, params: Record<string, string | number> = {}): string {
  return table[id][locale].replace(/\{(\w+)\}/g, (whole, name: string) => {
    const value = params[name];
    return value === undefined ? whole : String(value);
  });
}

/** Whether `id` names a string (for ids built from data, e.g. an error kind). */
export function isStringId(id: string): id is StringId {
  return Object.hasOwn(table, id);
}
