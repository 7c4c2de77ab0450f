import { DOC_GENERIC } from './phrases.ts';
import type { Entry } from './phrases.ts';

// Codes about what the request carried: user IDs that match nobody, and fields Feishu rejects.

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

export const REQUEST_ENTRIES: readonly (readonly [number, Entry])[] = [
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
