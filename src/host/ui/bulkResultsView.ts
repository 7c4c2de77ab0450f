import { homedir } from 'node:os';
import * as vscode from 'vscode';
import type { BulkItemResult, BulkSummary } from '../../core/bulk.ts';
import { bulkExportFileName, bulkResultsCsv } from '../../core/bulkInput.ts';
import { groupBulkResults } from '../../core/bulkView.ts';
import type { BulkViewGroup } from '../../core/bulkView.ts';
import { COMMANDS } from '../commandIds.ts';

export const BULK_RESULTS_VIEW_ID = 'feishuBadge.bulkResults';
const HAS_RESULTS_CONTEXT = 'feishuBadge.hasBulkResults';
/** The last run has failed items that "Retry Failed" would send again. */
const HAS_FAILURES_CONTEXT = 'feishuBadge.bulkHasFailures';

type Node =
  | { kind: 'group'; id: string; group: BulkViewGroup<BulkItemResult>; children: Node[] }
  | { kind: 'item'; item: BulkItemResult }
  /** The last row of a capped group: how many rows only the CSV export lists. */
  | { kind: 'more'; id: string; count: number };

const ICONS: Readonly<Record<string, string>> = { failed: 'error', invalid: 'warning', unresolved: 'question', 'not-visible': 'eye-closed', inactive: 'person', unknown: 'circle-slash', ok: 'pass', skipped: 'debug-step-over' };
/** Open when the run is shown: what needs attention. The long lists of successes stay closed. */
const EXPANDED: ReadonlySet<string> = new Set(['failed', 'invalid', 'unresolved', 'not-visible', 'inactive', 'unknown']);

/** A count as the display language writes it (100,000). */
function formatCount(count: number): string {
  try {
    return count.toLocaleString(vscode.env.language);
  } catch {
    return count.toLocaleString('en-US');
  }
}

function groupLabel(status: string, count: number): string {
  const n = formatCount(count);
  switch (status) {
    case 'failed':
      return vscode.l10n.t('Failed ({0})', n);
    case 'invalid':
      return vscode.l10n.t('Invalid, not sent ({0})', n);
    case 'ok':
      return vscode.l10n.t('Set ({0})', n);
    case 'skipped':
      return vscode.l10n.t('Skipped, done earlier ({0})', n);
    case 'superseded':
      return vscode.l10n.t('Not re-sent, a newer badge went out ({0})', n);
    case 'unresolved':
      return vscode.l10n.t('Not found by email or phone, not sent ({0})', n);
    case 'not-visible':
      return vscode.l10n.t('Cannot see the app, not sent ({0})', n);
    case 'inactive':
      return vscode.l10n.t('Not active (resigned, frozen, not activated), not sent ({0})', n);
    case 'unknown':
      return vscode.l10n.t('Could not be checked, not sent ({0})', n);
    default:
      return vscode.l10n.t('Other: {0} ({1})', status, n);
  }
}

/**
 * The per-user results of the last bulk run, failures first, each with its code, log ID and
 * guidance. A run of 100,000 rows stays responsive: the groups are computed once when the run is
 * shown, each lists at most BULK_VIEW_ROW_CAP rows and then says how many more the CSV export has.
 */
export class BulkResultsView implements vscode.TreeDataProvider<Node>, vscode.Disposable {
  readonly #changed = new vscode.EventEmitter<Node | undefined>();
  readonly onDidChangeTreeData = this.#changed.event;
  #summary: BulkSummary | undefined;
  /** The top level of the tree, built once per run. */
  #roots: Node[] = [];
  /** Every failed item of the last run (not only the listed ones), as given. */
  #failedItems: unknown[] = [];
  /** Counts the runs shown: a new run's groups get new ids, so they open and close afresh. */
  #generation = 0;

  get summary(): BulkSummary | undefined {
    return this.#summary;
  }

  /** The items of the last run that failed (sent, and answered with an error), as given: all of them, whatever the view lists. */
  get failedItems(): unknown[] {
    return [...this.#failedItems];
  }

  /** The context keys this view set, by key. */
  get contexts(): Record<string, boolean> {
    return this.#summary === undefined ? {} : { [HAS_RESULTS_CONTEXT]: true, [HAS_FAILURES_CONTEXT]: this.#failedItems.length > 0 };
  }

  /** Shows a finished run: `items` are the run's input, which the results point into by index. O(rows). */
  show(summary: BulkSummary, items: readonly unknown[]): void {
    this.#summary = summary;
    const run = ++this.#generation;
    this.#failedItems = summary.results.filter((r) => r.status === 'failed').map((r) => items[r.index]);
    this.#roots = groupBulkResults(summary.results).map((group): Node => {
      const id = `${run}/${group.status}`;
      const children: Node[] = group.shown.map((item) => ({ kind: 'item', item }));
      if (group.more > 0) children.push({ kind: 'more', id: `${id}/more`, count: group.more });
      return { kind: 'group', id, group, children };
    });
    void vscode.commands.executeCommand('setContext', HAS_RESULTS_CONTEXT, true);
    void vscode.commands.executeCommand('setContext', HAS_FAILURES_CONTEXT, this.#failedItems.length > 0);
    this.#changed.fire(undefined);
  }

  /** What was built when the run was shown: nothing is filtered or sorted here. */
  getChildren(node?: Node): Node[] {
    if (node === undefined) return this.#roots;
    return node.kind === 'group' ? node.children : [];
  }

  getTreeItem(node: Node): vscode.TreeItem {
    if (node.kind === 'group') {
      const { status, total } = node.group;
      const item = new vscode.TreeItem(groupLabel(status, total), EXPANDED.has(status) ? vscode.TreeItemCollapsibleState.Expanded : vscode.TreeItemCollapsibleState.Collapsed);
      item.id = node.id;
      item.iconPath = new vscode.ThemeIcon(ICONS[status] ?? 'circle-outline');
      return item;
    }
    if (node.kind === 'more') {
      const more = new vscode.TreeItem(vscode.l10n.t('and {0} more: export the CSV to see all', formatCount(node.count)));
      more.id = node.id;
      more.iconPath = new vscode.ThemeIcon('ellipsis');
      more.command = { command: COMMANDS.exportBulkResults, title: vscode.l10n.t('Export results') };
      return more;
    }
    const { item: result } = node;
    const tree = new vscode.TreeItem(result.userId || result.hold?.input || vscode.l10n.t('(no user ID)'));
    const details = result.result;
    const issue = result.issues?.[0];
    tree.description = [
      `#${result.index + 1}`,
      result.userId !== '' ? result.recipient : undefined,
      details?.code === undefined || details.code === 0 ? undefined : String(details.code),
      details?.logId,
      issue === undefined ? undefined : `${issue.path || 'body'}: ${issue.id}`,
      result.hold?.detail,
    ]
      .filter((part) => part !== undefined)
      .join(' · ');
    const guidance = details?.ok === true ? undefined : details?.guidance;
    const tooltip = new vscode.MarkdownString(undefined, false);
    tooltip.appendText(`${result.userId} (${result.userIdType})\n`);
    if (details?.version !== undefined) tooltip.appendText(vscode.l10n.t('Version: {0}', details.version) + '\n');
    if (result.hold !== undefined) tooltip.appendText(`${result.hold.input === undefined ? '' : `${result.hold.input}: `}${result.hold.detail}\n`);
    if (guidance !== undefined) tooltip.appendText(`\n${guidance.title}\n${guidance.steps.map((step, i) => `${i + 1}. ${step}`).join('\n')}`);
    tree.tooltip = tooltip;
    if (details?.logId !== undefined) {
      tree.contextValue = 'hasLogId';
      tree.command = { command: COMMANDS.copyLogId, title: vscode.l10n.t('Copy Log ID'), arguments: [details.logId] };
    }
    return tree;
  }

  /**
   * Writes the last run's per-user results as CSV where the user says (a dated name in the
   * workspace folder, else the home folder, is suggested), then offers to open the file.
   */
  async exportCsv(): Promise<vscode.Uri | undefined> {
    const summary = this.#summary;
    if (summary === undefined) return undefined;
    const folder = vscode.workspace.workspaceFolders?.[0]?.uri ?? vscode.Uri.file(homedir());
    const uri = await vscode.window.showSaveDialog({
      defaultUri: vscode.Uri.joinPath(folder, bulkExportFileName(new Date())),
      filters: { CSV: ['csv'] },
      saveLabel: vscode.l10n.t('Export results'),
    });
    if (uri === undefined) return undefined;
    await vscode.workspace.fs.writeFile(uri, new TextEncoder().encode(`${bulkResultsCsv(summary.results)}\n`));
    const open = vscode.l10n.t('Open');
    const where = uri.scheme === 'file' ? uri.fsPath : uri.toString(true);
    void vscode.window.showInformationMessage(vscode.l10n.t('Exported {0} rows to {1}.', formatCount(summary.results.length), where), open).then((choice) => {
      if (choice === open) void vscode.commands.executeCommand('vscode.open', uri);
    });
    return uri;
  }

  dispose(): void {
    this.#changed.dispose();
  }
}
