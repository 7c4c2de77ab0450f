import { formCsp } from '../../shared/protocol.ts';

export interface FormHtmlInput {
  /** The webview's `cspSource`. */
  cspSource: string;
  /** A fresh nonce for the one script. */
  nonce: string;
  scriptUri: string;
  styleUri: string;
  lang: 'en' | 'zh-CN';
}

/**
 * The form's page: one stylesheet, one nonce'd script, the shared CSP. Pure, so the webview test
 * harness renders exactly the page the extension serves.
 */
export function renderFormHtml(input: FormHtmlInput): string {
  return `<!DOCTYPE html>
<html lang="${input.lang}">
<head>
<meta charset="UTF-8">
<meta http-equiv="Content-Security-Policy" content="${formCsp(input.cspSource, input.nonce)}">
<meta name="viewport" content="width=device-width, initial-scale=1.0">
<link rel="stylesheet" href="${input.styleUri}">
<title>Feishu Badge</title>
</head>
<body>
<div id="app"></div>
<script nonce="${input.nonce}" src="${input.scriptUri}"></script>
</body>
</html>`;
}
