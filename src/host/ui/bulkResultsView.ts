import { homedir } from 'node:os';
import * as vscode from 'vscode';
import type { BulkItemResult, BulkSummary } from '../../core/bulk.ts';
import { bulkExportFileName, bulkResultsCsv } from '../../core/bulkInput.ts';
import { COMMANDS } from '../commandIds.ts';

export const BULK_RESULTS_VIEW_ID = 'feishuBadge.bulkResults';
const HAS_RESULTS_CONTEXT = 'feishuBadge.hasBulkResults';
/** The last run has failed items that "Retry Failed" would send again. */
const HAS_FAILURES_CONTEXT = 'feishuBadge.bulkHasFailures';

type Group = 'failed' | 'invalid' | 'ok' | 'skipped';
type Node = { kind: 'group'; group: Group; items: BulkItemResult[] } | { kind: 'item'; item: BulkItemResult };

const GROUPS: ReadonlyArray<{ group: Group; status: BulkItemResult['status']; icon: string }> = [
  { group: 'failed', status: 'failed', icon: 'error' },
  { group: 'invalid', status: 'invalid', icon: 'warning' },
  { group: 'ok', status: 'ok', icon: 'pass' },
  { group: 'skipped', status: 'skipped', icon: 'debug-step-over' },
];

function groupLabel(group: Group, count: number): string {
  switch (group) {
    case 'failed':
      return vscode.l10n.t('Failed ({0})', count);
    case 'invalid':
      return vscode.l10n.t('Invalid, not sent ({0})', count);
    case 'ok':
      return vscode.l10n.t('Set ({0})', count);
    case 'skipped':
      return vscode.l10n.t('Skipped, done earlier ({0})', count);
  }
}

/** The per-user results of the last bulk run, failures first, each with its code, log ID and guidance. */
export class BulkResultsView implements vscode.TreeDataProvider<Node>, vscode.Disposable {
  readonly #changed = new vscode.EventEmitter<Node | undefined>();
  readonly onDidChangeTreeData = this.#changed.event;
  #summary: BulkSummary | undefined;
  /** The items of the last run, as given: results point into them by index. */
  #items: readonly unknown[] = [];

  get summary(): BulkSummary | undefined {
    return this.#summary;
  }

  /** The items of the last run that failed (sent, and answered with an error), as given. */
  get failedItems(): unknown[] {
    return (this.#summary?.results ?? []).filter((r) => r.status === 'failed').map((r) => this.#items[r.index]);
  }

  /** The context keys this view set, by key. */
  get contexts(): Record<string, boolean> {
    return this.#summary === undefined ? {} : { [HAS_RESULTS_CONTEXT]: true, [HAS_FAILURES_CONTEXT]: this.failedItems.length > 0 };
  }

  show(summary: BulkSummary, items: readonly unknown[]): void {
    this.#summary = summary;
    this.#items = items;
    void vscode.commands.executeCommand('setContext', HAS_RESULTS_CONTEXT, true);
    void vscode.commands.executeCommand('setContext', HAS_FAILURES_CONTEXT, this.failedItems.length > 0);
    this.#changed.fire(undefined);
  }

  getChildren(node?: Node): Node[] {
    const results = this.#summary?.results ?? [];
    if (node === undefined) {
      return GROUPS.map(({ group, status }) => ({ kind: 'group' as const, group, items: results.filter((r) => r.status === status) })).filter((g) => g.items.length > 0);
    }
    return node.kind === 'group' ? node.items.map((item) => ({ kind: 'item' as const, item })) : [];
  }

  getTreeItem(node: Node): vscode.TreeItem {
    if (node.kind === 'group') {
      const item = new vscode.TreeItem(groupLabel(node.group, node.items.length), node.group === 'failed' || node.group === 'invalid' ? vscode.TreeItemCollapsibleState.Expanded : vscode.TreeItemCollapsibleState.Collapsed);
      item.iconPath = new vscode.ThemeIcon(GROUPS.find((g) => g.group === node.group)?.icon ?? 'circle');
      return item;
    }
    const { item: result } = node;
    const tree = new vscode.TreeItem(result.userId || vscode.l10n.t('(no user ID)'));
    const details = result.result;
    const issue = result.issues?.[0];
    tree.description = [
      `#${result.index + 1}`,
      details?.code === undefined || details.code === 0 ? undefined : String(details.code),
      details?.logId,
      issue === undefined ? undefined : `${issue.path || 'body'}: ${issue.id}`,
    ]
      .filter((part) => part !== undefined)
      .join(' · ');
    const guidance = details?.ok === true ? undefined : details?.guidance;
    const tooltip = new vscode.MarkdownString(undefined, false);
    tooltip.appendText(`${result.userId} (${result.userIdType})\n`);
    if (details?.version !== undefined) tooltip.appendText(vscode.l10n.t('Version: {0}', details.version) + '\n');
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
    void vscode.window.showInformationMessage(vscode.l10n.t('Exported {0} rows to {1}.', summary.results.length, where), open).then((choice) => {
      if (choice === open) void vscode.commands.executeCommand('vscode.open', uri);
    });
    return uri;
  }

  dispose(): void {
    this.#changed.dispose();
  }
}
