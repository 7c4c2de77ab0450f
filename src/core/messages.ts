import type { Locale } from './types.ts';

// Validation and client message texts. Core returns ids; every surface formats them here so the
// palette, the form and automation all say the same thing in the same language.
const en = {
  'body.notObject': 'The request must be an object with user_id and counts.',
  'field.unknown': 'Unknown field "{field}". Use the API field names: user_id, user_id_type, version, extra, pc, mobile, web_app, gadget.',
  'userId.required': 'User ID is required.',
  'userId.notString': 'User ID must be text.',
  'userId.controlChar': 'User ID contains a control or invisible character ({char}) at position {position}. Remove it; retyping the ID helps when it was pasted.',
  'userId.whitespace': 'User ID contains whitespace at position {position}. IDs have no spaces or tabs: enter one ID only.',
  'userId.tooLong': 'User ID is {length} characters long; at most {max} are allowed.',
  'userId.openIdPrefix': 'An open_id usually starts with "ou_". Is this a different kind of ID? Pick the matching ID type.',
  'userId.unionIdPrefix': 'A union_id usually starts with "on_". Is this a different kind of ID? Pick the matching ID type.',
  'userId.looksLikeOtherType': 'This looks like a {type}, but the ID type is user_id. Pick {type} as the ID type.',
  'userIdType.invalid': 'User ID type must be open_id, union_id or user_id.',
  'version.notString': 'Version must be a string of digits, e.g. "1664360599355".',
  'version.digits': 'Version must contain digits only (epoch milliseconds), at most 19.',
  'version.tooLarge': 'Version is too large: version must be at most {max} (Feishu stores it as a 64-bit integer). Use epoch milliseconds, e.g. "1664360599355", or leave version empty to generate one.',
  'version.exhausted': 'No newer version exists for this user: the last version used, {last}, is already the largest Feishu accepts ({max}), and each version must be newer than the last.',
  'extra.notString': 'Extra must be a string (usually JSON text).',
  'extra.notJson': 'Extra is not valid JSON. The API accepts any string, but apps usually expect JSON.',
  'extra.tooLarge': 'Extra is {size} bytes (UTF-8); at most {max} bytes (64 KiB) are allowed.',
  'client.notObject': 'Must be an object with web_app and/or gadget counts.',
  'client.empty': 'No web_app or gadget count given for this client.',
  'count.notNumber': 'Count must be a number.',
  'count.notInteger': 'Count must be a whole number.',
  'count.range': 'Count must be between 0 and {max}.',
  'count.dot': 'Counts above {max} show as a dot, not a number.',
  'body.noCounts': 'Neither pc nor mobile counts are given: Feishu will answer 213003 (no data).',
  'recipient.no-such-person': 'No one in this tenant has it: check the spelling.',
  'recipient.enterprise-email': 'It may be an enterprise mailbox (the lookup finds the email on the person\'s account, not enterprise mailboxes).',
  'recipient.outside-contact-range': 'The person may be outside the app\'s contact range: widen it in the developer console and publish a version.',
  'recipient.resigned': 'The person may have left the company (ask again with resigned people included).',
  'recipient.missing-country-code': 'Numbers outside mainland China need their country code, e.g. +1 415 555 0100.',
  'recipient.outside-contact-range-department': 'The department is outside the app\'s contact range: widen the range in the developer console and publish a version. The whole organisation (department 0) needs the range "All members".',
  'recipient.department-not-found': 'No department has this ID: check it, and that the ID type (open_department_id or department_id) matches it.',
  'recipient.missing-scope': 'The app lacks the scope this lookup needs: grant {scopes} in the developer console and publish a version.',
  'recipient.paging-loop': 'The server kept answering that more pages follow without moving on, so the lookup stopped. Try again later; if it happens again, give the log ID to Feishu support.',
  'recipient.too-many': 'The lookup stopped at {maxUsers} people or {maxDepartments} departments: pick a smaller department, or leave out its sub-departments.',
  'recipient.lookup-failed': 'The lookup failed ({what}), so these were not sent. Run the list again; if it keeps failing, see Show Log and quote the log ID {logId} to Feishu support.',
  'recipient.without-id': '{count} member(s) came without a {type} and were left out: the platform includes it only with the field scope {scope}.',
  'preflight.failed': 'The pre-flight stopped ({what}): the recipients it could not check were held back, not sent. Run the list again; log ID {logId}.',
  'csv.unknownColumn': 'Unknown column "{column}": did you mean {suggestion}? The columns are {expected}. Nothing is sent until the header is fixed.',
  'csv.duplicateColumn': 'Column "{column}" appears more than once (columns {positions}). Keep one: nothing is sent until the header is fixed.',
  'counts.format': 'Enter one count (web app badge on PC and mobile) or four, separated by commas or spaces: PC web app, PC mini program, mobile web app, mobile mini program.',
} as const;

export type MessageId = keyof typeof en;

const zhCn: Record<MessageId, string> = {
  'body.notObject': '请求必须是一个包含 user_id 和红点数量的对象。',
  'field.unknown': '未知字段“{field}”。请使用接口字段名：user_id、user_id_type、version、extra、pc、mobile、web_app、gadget。',
  'userId.required': '必须填写用户 ID。',
  'userId.notString': '用户 ID 必须是文本。',
  'userId.controlChar': '用户 ID 的第 {position} 个字符是控制字符或不可见字符（{char}）。请删除它；如果 ID 是粘贴的，手动重新输入会更稳妥。',
  'userId.whitespace': '用户 ID 的第 {position} 个字符是空白字符。ID 中没有空格或制表符：请只填写一个 ID。',
  'userId.tooLong': '用户 ID 长度为 {length} 个字符，最多允许 {max} 个。',
  'userId.openIdPrefix': 'open_id 通常以“ou_”开头。这是否是其他类型的 ID？请选择对应的 ID 类型。',
  'userId.unionIdPrefix': 'union_id 通常以“on_”开头。这是否是其他类型的 ID？请选择对应的 ID 类型。',
  'userId.looksLikeOtherType': '这看起来是 {type}，但 ID 类型选的是 user_id。请将 ID 类型改为 {type}。',
  'userIdType.invalid': '用户 ID 类型必须是 open_id、union_id 或 user_id。',
  'version.notString': '版本号必须是数字字符串，例如“1664360599355”。',
  'version.digits': '版本号只能包含数字（毫秒时间戳），最多 19 位。',
  'version.tooLarge': '版本号过大：version 不能超过 {max}（飞书以 64 位整数保存版本号）。请使用毫秒时间戳，例如“1664360599355”，或将 version 留空以自动生成。',
  'version.exhausted': '该用户已没有更新的版本号可用：上次使用的 version 为 {last}，已是飞书接受的最大值（{max}），而每次的版本号都必须比上次更新。',
  'extra.notString': 'extra 必须是字符串（通常是 JSON 文本）。',
  'extra.notJson': 'extra 不是合法的 JSON。接口接受任意字符串，但应用通常期望 JSON。',
  'extra.tooLarge': 'extra 为 {size} 字节（UTF-8），最多允许 {max} 字节（64 KiB）。',
  'client.notObject': '必须是包含 web_app 和/或 gadget 数量的对象。',
  'client.empty': '该端没有填写 web_app 或 gadget 数量。',
  'count.notNumber': '数量必须是数字。',
  'count.notInteger': '数量必须是整数。',
  'count.range': '数量必须在 0 到 {max} 之间。',
  'count.dot': '数量超过 {max} 时只显示为一个圆点，不显示数字。',
  'body.noCounts': '没有填写 pc 或 mobile 数量：飞书会返回 213003（no data）。',
  'recipient.no-such-person': '此租户中没有人使用它：请检查拼写。',
  'recipient.enterprise-email': '它可能是企业邮箱（查询只找成员账号上的邮箱，不找企业邮箱）。',
  'recipient.outside-contact-range': '此人可能不在应用的通讯录权限范围内：请在开发者后台扩大范围并发布版本。',
  'recipient.resigned': '此人可能已离职（可包含已离职人员再查一次）。',
  'recipient.missing-country-code': '中国大陆以外的号码需要国家代码，例如 +1 415 555 0100。',
  'recipient.outside-contact-range-department': '该部门不在应用的通讯录权限范围内：请在开发者后台扩大范围并发布版本。整个组织（部门 0）需要将范围设为“全部成员”。',
  'recipient.department-not-found': '没有此 ID 的部门：请检查 ID，以及 ID 类型（open_department_id 或 department_id）是否与之匹配。',
  'recipient.missing-scope': '应用缺少此查询所需的权限：请在开发者后台开通 {scopes} 并发布版本。',
  'recipient.paging-loop': '服务器一直表示还有下一页，却没有向后翻页，查询已停止。请稍后重试；如果再次出现，请将日志 ID 提供给飞书技术支持。',
  'recipient.too-many': '查询在 {maxUsers} 人或 {maxDepartments} 个部门处停止：请选择更小的部门，或不包含其子部门。',
  'recipient.lookup-failed': '查询失败（{what}），因此这些未发送。请再次运行该列表；如果一直失败，请查看日志并将日志 ID {logId} 提供给飞书技术支持。',
  'recipient.without-id': '{count} 名成员没有返回 {type}，已被略过：只有开通字段权限 {scope} 后平台才会返回它。',
  'preflight.failed': '预检已停止（{what}）：未能检查的接收人被暂缓，未发送。请再次运行该列表；日志 ID {logId}。',
  'csv.unknownColumn': '未知列“{column}”：是否应为 {suggestion}？可用的列为 {expected}。修正表头之前不会发送任何内容。',
  'csv.duplicateColumn': '列“{column}”出现了多次（第 {positions} 列）。请只保留一列：修正表头之前不会发送任何内容。',
  'counts.format': '请输入一个数量（PC 端和移动端的网页应用红点），或用逗号或空格分隔的四个数量：PC 网页应用、PC 小程序、移动端网页应用、移动端小程序。',
};

export const MESSAGES: Readonly<Record<Locale, Readonly<Record<MessageId, string>>>> = { en, 'zh-cn': zhCn };

export function formatMessage(messageId: MessageId, locale: Locale, params: Record<string, string | number> = {}): string {
  const template = MESSAGES[locale][messageId];
  return template.replace(/\{(\w+)\}/g, (whole, name: string) => {
    const value = params[name];
    return value === undefined ? whole : String(value);
  });
}
