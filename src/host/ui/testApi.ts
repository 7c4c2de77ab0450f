import * as vscode from 'vscode';
import type { BulkSummary } from '../../core/bulk.ts';
import type { HistoryStore } from '../state/history.ts';
import type { BulkResultsView } from './bulkResultsView.ts';
import type { ContextKeys } from './contextKeys.ts';
import type { StatusBarController, StatusState } from './statusBar.ts';

/** What activate() returns: the extension's own API for tests and other extensions. */
export interface FeishuBadgeApi {
  statusBar: () => { state: StatusState; visible: boolean; text: string; tooltip: string };
  /** The request history, most recent first: user and when it was sent. */
  history: () => Array<{ userId: string; at: number }>;
  /** The bulk-results view as labels: groups (expanded or not) with their items' labels and descriptions. */
  bulkResults: () => Array<{ label: string; expanded: boolean; items: Array<{ label: string; description: string }> }>;
  /** The context keys the host set (`feishuBadge.canUndo`, …) and their values. */
  contexts: () => Record<string, boolean>;
  /**
   * The extension's own globalState, only while VS Code runs the extension's tests
   * (`ExtensionMode.Test`), so a suite can store what an older release, a hand edit or a broken
   * disk leaves behind. Absent otherwise: other extensions never get it.
   */
  globalStateForTests?: vscode.Memento;
  /**
   * Shows a run in the Bulk Results view as a finished bulk command does (a suite synthesizes
   * 100,000 rows without sending them). Only under `ExtensionMode.Test`, like globalStateForTests.
   */
  showBulkResultsForTests?: (summary: BulkSummary, items: readonly unknown[]) => void;
}

export function testApi(statusBar: StatusBarController, history: HistoryStore, bulkResults: BulkResultsView, contextKeys: ContextKeys, globalStateForTests?: vscode.Memento): FeishuBadgeApi {
  return {
    // extension.ts hands the Memento over only under ExtensionMode.Test: the test hooks go with it.
    ...(globalStateForTests === undefined ? {} : { globalStateForTests, showBulkResultsForTests: (summary: BulkSummary, items: readonly unknown[]) => bulkResults.show(summary, items) }),
    contexts: () => ({ ...bulkResults.contexts, ...contextKeys.values }),
    statusBar: () => ({ state: statusBar.state, ...statusBar.view }),
    history: () => history.entries.map((entry) => ({ userId: entry.body.user_id, at: entry.at })),
    bulkResults: () =>
      bulkResults.getChildren().map((group) => {
        const tree = bulkResults.getTreeItem(group);
        return {
          label: String(tree.label ?? ''),
          expanded: tree.collapsibleState === vscode.TreeItemCollapsibleState.Expanded,
          items: bulkResults.getChildren(group).map((node) => {
            const item = bulkResults.getTreeItem(node);
            return { label: String(item.label ?? ''), description: String(item.description ?? '') };
          }),
        };
      }),
  };
}
