// Entry of the webview bundle. The host's page holds `<div id="app">` and this script; the form is
// usable at once (from saved state), and tells the host it is ready before anything else.
import type { Locale } from '../core/types.ts';
import type { VsCodeApi } from './form.ts';
import { Form } from './form.ts';
import { readSavedState } from './savedState.ts';

declare function acquireVsCodeApi(): VsCodeApi;

/** Until the host says otherwise, follow the page's language (VS Code sets it) or the browser's. */
function guessLocale(): Locale {
  const lang = document.documentElement.lang || navigator.language;
  return lang.toLowerCase().startsWith('zh') ? 'zh-cn' : 'en';
}

const api = acquireVsCodeApi();
const root = document.getElementById('app') ?? document.body.appendChild(document.createElement('div'));
const form = new Form(root, api, readSavedState(api.getState()), guessLocale());
// Registered in the same task as `ready` is posted, so no reply can arrive before it.
window.addEventListener('message', (event: MessageEvent<unknown>) => form.receive(event.data));
api.postMessage({ type: 'ready' });
form.start();
