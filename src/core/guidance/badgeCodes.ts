import { DOC_AVAILABILITY, DOC_BADGE_API } from './phrases.ts';
import type { Entry } from './phrases.ts';

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

export const BADGE_ENTRIES: readonly (readonly [number, Entry])[] = [
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
