import type { Locale } from './types.ts';

// Texts of "Why no red dot?" (diagnose.ts) and of the bulk pre-flight reasons (preflight.ts), in
// their own table so they can grow without touching the badge messages. Core returns these texts
// already formatted for diagnose (the command result is in the display language) and message ids
// for preflight (the caller formats them with `formatDiagnose`).
const en = {
  'title.credentials': 'Credentials and tenant token',
  'title.app': 'The app: status, release and abilities',
  'title.id-shape': 'The user ID and its type',
  'title.person': "The person's account status",
  'title.visibility': "The app's availability to the person",
  'title.manual': 'What only the person can check',

  'credentials.ok': 'A tenant token was obtained with the App ID and App Secret.',
  'credentials.pasted': 'A pasted tenant token is used: it is only accepted or refused by the calls below.',
  'credentials.pasted-accepted': 'A pasted tenant token is used, and the platform accepted it.',
  'credentials.failed': 'The tenant token could not be obtained: {explanation}',
  'credentials.rejected': 'The platform refused the tenant token (code {code}): {explanation}',

  'skip.no-credentials': 'Not checked: there are no credentials to call the platform with.',
  'skip.no-token': 'Not checked: there is no usable tenant token (see the credentials check).',
  'skip.cancelled': 'Not checked: the diagnosis was cancelled.',
  'skip.scope': 'Not checked: the app lacks the scope {scopes}, which this check needs.',
  'skip.scope.fix': 'Grant {scopes} to the app on {url}, then publish a new version of the app so the grant takes effect. The other checks do not need it.',
  'skip.scope.fix-no-app-id': 'Grant {scopes} to the app on its permission page in the developer console, then publish a new version of the app so the grant takes effect. The other checks do not need it.',
  'skip.failed': 'Not checked: the call failed. {explanation}',
  'skip.no-app-id': "Not checked: the App ID is unknown (a pasted token is used) and the app's information could not be read to learn it.",
  'id.contact': 'This is an {kind}, not an ID: a badge is sent to an open_id, union_id or user_id.',
  'id.contact.fix': 'Find the ID with "Feishu Badge: Find User IDs…" (or Find ID in the form), then diagnose that ID.',
  'kind.email': 'email address',
  'kind.mobile': 'phone number',
  'skip.not-an-id': 'Not checked: the value is not an ID (see the ID check).',
  'visibility.person-not-found': 'Not checked: nobody was found with this ID for this app (see the ID check), so the availability answer would say nothing about them.',
  'skip.no-app-id.fix': "Configure the App ID and App Secret, or grant the scope the app check asks for, then diagnose again.",

  'app.enabled': 'The app "{name}" is enabled.',
  'app.stopped': 'The app "{name}" is stopped (status 0): while it is stopped, nobody sees its badges.',
  'app.not-enabled': 'The app "{name}" is not enabled in this tenant (status 2): nobody sees its badges until it is.',
  'app.status.fix': "Ask a tenant administrator to enable the app in the Feishu admin console (Workplace › App management).",
  'app.status-unknown': 'The app "{name}" has status {status}, a value this check does not know (1 is enabled).',
  'app.released': 'A version of the app is released.',
  'app.never-released': 'No version of the app was ever released (online_version_id is empty): its availability and abilities take effect only with a released version.',
  'app.never-released.fix': 'Create a version in the developer console and publish it (a tenant administrator may have to approve it).',
  'app.abilities': 'Default ability: {pc} on PC, {mobile} on mobile.',
  'app.ability-mismatch': 'Counts on {client} are set for the {kind}, but the app\'s default ability on {client} is the {ability}: the {kind} count may show nothing. Only the default ability can be read here; if the app also has a {kind} on {client}, it may show.',
  'app.ability-mismatch.fix': 'Send the {client} count for the {ability} instead, or add a {kind} to the app for {client}.',
  'app.ability-bot.fix': 'Badges show only on a web app or a mini program: add one to the app for {client} and publish a version.',
  'app.unusable': 'The app cannot be used in this tenant: {explanation}',

  'client.pc': 'PC',
  'client.mobile': 'mobile',
  'ability.web_app': 'web app (web_app)',
  'ability.gadget': 'mini program (gadget)',
  'ability.bot': 'bot',
  'ability.none': 'not set',

  'id.ok-found': 'The ID fits its type ({type}) and belongs to a person this app can see.',
  'id.ok-unchecked': 'The ID fits its type ({type}). Whether it belongs to this app could not be checked (see the person check).',
  'id.expected-open': 'An open_id starts with "ou_"; this ID does not, and its shape suggests the type {implied}. The badge call would answer 99992351 (open_id does not exist).',
  'id.expected-union': 'A union_id starts with "on_"; this ID does not, and its shape suggests the type {implied}. The badge call would answer 99992363 (union_id does not exist).',
  'id.expected-user': 'This ID starts with "{prefix}", which marks the type {implied}, but the ID type is user_id: the usual mix-up. The badge call would answer 99992360 (user_id does not exist).',
  'id.mismatch.fix': "Pick {implied} as the ID type, or give the person's {type} instead.",
  'id.checked-as': 'The person and availability checks use it with the type {implied}.',
  'id.found-as': 'With the type {implied}, it belongs to {name}.',
  'id.not-found-open': "Not found for this app. It may be another app's open_id (open_ids differ per app, even between an app's test and production versions; the badge call would then answer 99992361, open_id cross app), or the person may be outside the app's contact range. Which one cannot be told from here.",
  'id.not-found-open.fix': "Get the person's open_id again with this app (for example, look them up by email), or widen the app's contact range in the developer console and publish a version.",
  'id.not-found-other': "No one with this {type} was found for this app. It may not exist in this tenant, or the person may be outside the app's contact range (the lookup only sees people inside it). Which one cannot be told from here.",
  'id.not-found-other.fix': "Check the ID and its type, or widen the app's contact range in the developer console and publish a version.",

  'person.ok': '{name} is active: activated, and not resigned, frozen or exited.',
  'person.inactive': '{name} is {states}: the badge call would answer 213006 (user status not valid), and no badge can be set for this person.',
  'person.inactive.fix': 'Leave this person out. A tenant administrator can reactivate or unfreeze the account if that is intended.',
  'person.not-found': 'Not checked: no one with this ID was found for this app (see the ID check).',
  'person.checked-as': 'Checked with the type {implied}.',
  'person.unnamed': 'The person',
  'state.resigned': 'resigned',
  'state.frozen': 'frozen',
  'state.not-activated': 'not activated',
  'state.exited': 'exited from the tenant',
  'list.separator': ', ',

  'visibility.ok': "The person is in the app's white list (its availability) and not in its black list.",
  'visibility.black': "The person is in the app's black list (the range it is disabled for): the app is not available to them, and the badge call would answer 213007 (user is invisible).",
  'visibility.black.fix': "Remove the person (or their department or group) from the disabled range in the app's availability settings in the developer console, and publish a new version.",
  'visibility.not-white': "The person is not in the app's white list: unless the app is available to them another way, the badge call would answer 213007 (user is invisible).",
  'visibility.not-white.fix': "Check the app's availability in the developer console: add the person, or a department or group of theirs, and publish a new version.",
  'visibility.caveat': 'Membership through departments or user groups may not be reflected in this answer: the platform does not document whether it counts.',
  'visibility.no-answer': 'Not checked: the visibility answer did not mention this ID.',

  'manual.intro': 'No API can check these; ask the person:',
  'manual.permission': '• badges are allowed for this app and the badge toggle is on in their Feishu client;',
  'manual.workplace': '• the app is in their workplace;',
  'manual.client': '• their Feishu client is recent enough to show app badges;',
  'manual.counts-generic': '• the count sent is 1–999 (shown as a number) or above 999 (shown as a dot only); 0 shows no badge.',
  'manual.counts-numbers': '• the counts sent ({counts}) are between 1 and 999 and show as numbers.',
  'manual.counts-dot': '• counts above 999 ({counts}) show as a dot, not as a number.',
  'manual.counts-zero': '• every count sent is 0, which shows no badge at all.',

  'preflight.black-list': "In the app's black list: the app is not available to this person (the badge call would answer 213007).",
  'preflight.not-in-white-list': "Not in the app's white list by the visibility check, and not black-listed. Membership through departments or groups may not be reflected, so the app may still be available to them: send only if you know it is (otherwise the badge call answers 213007).",
  'preflight.resigned': 'Resigned (the badge call would answer 213006).',
  'preflight.frozen': 'Frozen (the badge call would answer 213006).',
  'preflight.not-activated': 'Not activated (the badge call would answer 213006).',
  'preflight.exited': 'Exited from the tenant (the badge call would answer 213006).',
  'preflight.not-found': "Not found for this app: it may be another app's open_id, an ID of another type, or a person outside the app's contact range.",
  'preflight.not-returned': 'The visibility check did not answer for this ID.',
  'preflight.scope-missing': 'Not checked: the app lacks a scope this check needs (see the scopes to grant).',
  'preflight.check-failed': 'Not checked: a check call failed before this recipient was checked (see the error).',
  'preflight.cancelled': 'Not checked: the pre-flight was cancelled.',
} as const;

export type DiagnoseMessageId = keyof typeof en;

const zhCn: Record<DiagnoseMessageId, string> = {
  'title.credentials': '凭据与 tenant_access_token',
  'title.app': '应用：状态、发布与能力',
  'title.id-shape': '用户 ID 与 ID 类型',
  'title.person': '成员账号状态',
  'title.visibility': '应用对该成员的可用范围',
  'title.manual': '需要成员本人确认的事项',

  'credentials.ok': '已使用 App ID 和 App Secret 获取 tenant_access_token。',
  'credentials.pasted': '正在使用粘贴的 tenant_access_token：它是否有效，要由下面的调用来验证。',
  'credentials.pasted-accepted': '正在使用粘贴的 tenant_access_token，开放平台已接受它。',
  'credentials.failed': '无法获取 tenant_access_token：{explanation}',
  'credentials.rejected': '开放平台拒绝了该 tenant_access_token（错误码 {code}）：{explanation}',

  'skip.no-credentials': '未检查：没有可用于调用开放平台的凭据。',
  'skip.no-token': '未检查：没有可用的 tenant_access_token（见凭据检查）。',
  'skip.cancelled': '未检查：诊断已取消。',
  'skip.scope': '未检查：应用缺少此项检查所需的权限 {scopes}。',
  'skip.scope.fix': '在 {url} 为应用开通 {scopes}，然后发布应用的新版本使权限生效。其他检查不需要此权限。',
  'skip.scope.fix-no-app-id': '在开发者后台应用的“权限管理”页面开通 {scopes}，然后发布应用的新版本使权限生效。其他检查不需要此权限。',
  'skip.failed': '未检查：调用失败。{explanation}',
  'skip.no-app-id': '未检查：App ID 未知（正在使用粘贴的 tenant_access_token），且无法读取应用信息来获知它。',
  'id.contact': '这是{kind}，不是 ID：红点发送给 open_id、union_id 或 user_id。',
  'id.contact.fix': '先用“飞书应用红点：查找用户 ID…”（或表单中的“查找 ID”）找到 ID，再诊断该 ID。',
  'kind.email': '邮箱地址',
  'kind.mobile': '手机号',
  'skip.not-an-id': '未检查：该值不是 ID（见 ID 检查）。',
  'visibility.person-not-found': '未检查：此应用下找不到使用此 ID 的成员（见 ID 检查），可用范围的结果对其没有意义。',
  'skip.no-app-id.fix': '请配置 App ID 和 App Secret，或开通应用检查所需的权限，然后重新诊断。',

  'app.enabled': '应用“{name}”已启用。',
  'app.stopped': '应用“{name}”已停用（status 0）：停用期间，任何人都看不到它的红点。',
  'app.not-enabled': '应用“{name}”在此租户中未启用（status 2）：启用之前，任何人都看不到它的红点。',
  'app.status.fix': '请租户管理员在飞书管理后台（工作台 › 应用管理）中启用该应用。',
  'app.status-unknown': '应用“{name}”的状态为 {status}，此检查不认识这个值（1 表示已启用）。',
  'app.released': '应用已发布过版本。',
  'app.never-released': '应用从未发布过版本（online_version_id 为空）：应用的可用范围和能力只有在发布版本后才生效。',
  'app.never-released.fix': '在开发者后台创建版本并发布（可能需要租户管理员审核）。',
  'app.abilities': '默认能力：PC 端为{pc}，移动端为{mobile}。',
  'app.ability-mismatch': '为{client}的{kind}设置了数量，但应用在{client}的默认能力是{ability}：{kind}的数量可能不会显示。此处只能读到默认能力；如果应用在{client}也有{kind}，它可能会显示。',
  'app.ability-mismatch.fix': '改为给{client}的{ability}设置数量，或为应用在{client}添加{kind}。',
  'app.ability-bot.fix': '红点只显示在网页应用或小程序上：请为应用在{client}添加其中之一并发布版本。',
  'app.unusable': '应用在此租户中无法使用：{explanation}',

  'client.pc': 'PC 端',
  'client.mobile': '移动端',
  'ability.web_app': '网页应用（web_app）',
  'ability.gadget': '小程序（gadget）',
  'ability.bot': '机器人（bot）',
  'ability.none': '未设置',

  'id.ok-found': 'ID 与其类型（{type}）相符，且属于此应用可见的成员。',
  'id.ok-unchecked': 'ID 与其类型（{type}）相符。无法检查它是否属于此应用（见成员状态检查）。',
  'id.expected-open': 'open_id 以“ou_”开头，而此 ID 不是，它看起来是 {implied}。红点接口会返回 99992351（open_id 不存在）。',
  'id.expected-union': 'union_id 以“on_”开头，而此 ID 不是，它看起来是 {implied}。红点接口会返回 99992363（union_id 不存在）。',
  'id.expected-user': '此 ID 以“{prefix}”开头，这是 {implied} 的标志，但 ID 类型选的是 user_id：这是常见的类型混用。红点接口会返回 99992360（user_id 不存在）。',
  'id.mismatch.fix': '将 ID 类型改为 {implied}，或改填此成员的 {type}。',
  'id.checked-as': '成员状态和可用范围检查按 {implied} 使用此 ID。',
  'id.found-as': '按 {implied} 查询，它属于{name}。',
  'id.not-found-open': '在此应用中未找到。它可能是其他应用的 open_id（open_id 因应用而异，同一应用的测试版与正式版也不同；此时红点接口会返回 99992361，open_id cross app），也可能此成员不在应用的通讯录权限范围内。从这里无法判断是哪一种。',
  'id.not-found-open.fix': '用此应用重新获取该成员的 open_id（例如按邮箱查询），或在开发者后台扩大应用的通讯录权限范围并发布版本。',
  'id.not-found-other': '在此应用中未找到此 {type} 对应的成员。它可能在此租户中不存在，也可能此成员不在应用的通讯录权限范围内（查询只能看到范围内的成员）。从这里无法判断是哪一种。',
  'id.not-found-other.fix': '检查 ID 及其类型，或在开发者后台扩大应用的通讯录权限范围并发布版本。',

  'person.ok': '{name}的账号正常：已激活，未离职、未冻结、未退出企业。',
  'person.inactive': '{name}{states}：红点接口会返回 213006（user status not valid），无法为此成员设置红点。',
  'person.inactive.fix': '请跳过此成员。如确有需要，租户管理员可以重新激活或解冻该账号。',
  'person.not-found': '未检查：在此应用中未找到此 ID 对应的成员（见用户 ID 检查）。',
  'person.checked-as': '按 {implied} 检查。',
  'person.unnamed': '该成员',
  'state.resigned': '已离职',
  'state.frozen': '已冻结',
  'state.not-activated': '未激活',
  'state.exited': '已退出企业',
  'list.separator': '、',

  'visibility.ok': '此成员在应用的可用名单（白名单）中，且不在禁用名单（黑名单）中。',
  'visibility.black': '此成员在应用的禁用名单（黑名单）中：应用对其不可用，红点接口会返回 213007（user is invisible）。',
  'visibility.black.fix': '在开发者后台应用的可用范围设置中，将此成员（或其所在部门、用户组）移出禁用范围，并发布新版本。',
  'visibility.not-white': '此成员不在应用的可用名单（白名单）中：除非应用通过其他方式对其可用，否则红点接口会返回 213007（user is invisible）。',
  'visibility.not-white.fix': '在开发者后台检查应用的可用范围：添加此成员或其所在部门、用户组，并发布新版本。',
  'visibility.caveat': '通过部门或用户组获得的可用范围可能没有反映在此结果中：开放平台没有说明是否计入。',
  'visibility.no-answer': '未检查：可用范围查询的结果中没有此 ID。',

  'manual.intro': '以下事项无法通过接口检查，请向成员本人确认：',
  'manual.permission': '• 在其飞书客户端中允许此应用显示红点，且红点开关已打开；',
  'manual.workplace': '• 应用已添加到其工作台；',
  'manual.client': '• 其飞书客户端版本足够新，能够显示应用红点；',
  'manual.counts-generic': '• 发送的数量为 1–999 时显示为数字，超过 999 时只显示为圆点；为 0 时不显示红点。',
  'manual.counts-numbers': '• 发送的数量（{counts}）在 1 到 999 之间，会显示为数字。',
  'manual.counts-dot': '• 超过 999 的数量（{counts}）只显示为圆点，不显示数字。',
  'manual.counts-zero': '• 发送的数量全部为 0，不会显示任何红点。',

  'preflight.black-list': '在应用的禁用名单（黑名单）中：应用对此成员不可用（红点接口会返回 213007）。',
  'preflight.not-in-white-list': '可用范围查询显示不在应用的可用名单（白名单）中，也不在禁用名单中。通过部门或用户组获得的可用范围可能没有反映在结果中，应用仍可能对其可用：只有确认可用时才发送（否则红点接口会返回 213007）。',
  'preflight.resigned': '已离职（红点接口会返回 213006）。',
  'preflight.frozen': '已冻结（红点接口会返回 213006）。',
  'preflight.not-activated': '未激活（红点接口会返回 213006）。',
  'preflight.exited': '已退出企业（红点接口会返回 213006）。',
  'preflight.not-found': '在此应用中未找到：可能是其他应用的 open_id、其他类型的 ID，或此成员不在应用的通讯录权限范围内。',
  'preflight.not-returned': '可用范围查询没有返回此 ID 的结果。',
  'preflight.scope-missing': '未检查：应用缺少此项检查所需的权限（见需要开通的权限）。',
  'preflight.check-failed': '未检查：在检查到此收件人之前，检查调用失败了（见错误信息）。',
  'preflight.cancelled': '未检查：预检已取消。',
};

export const DIAGNOSE_MESSAGES: Readonly<Record<Locale, Readonly<Record<DiagnoseMessageId, string>>>> = { en, 'zh-cn': zhCn };

/** Whether a string (a reason carried through untyped data) is one of these ids. */
export function isDiagnoseMessageId(id: string): id is DiagnoseMessageId {
  return Object.hasOwn(en, id);
}

/** A text in the locale, with `{name}` placeholders filled (an unknown placeholder stays as written). */
export function formatDiagnose(locale: Locale, id: DiagnoseMessageId, params: Record<string, string | number> = {}): string {
  return DIAGNOSE_MESSAGES[locale][id].replace(/\{(\w+)\}/g, (whole, name: string) => {
    const value = params[name];
    return value === undefined ? whole : String(value);
  });
}
