// How the Bulk Results view lays out a run: one group per status, failures first, each group
// listing at most a fixed number of rows (the CSV export has them all). Computed once per run, in
// one pass: a 100,000-row run costs the same to show as to group, whatever the view asks later.

/** The statuses the view knows, in the order it shows them: what needs attention first. */
export const BULK_VIEW_ORDER = ['failed', 'invalid', 'unresolved', 'not-visible', 'inactive', 'unknown', 'ok', 'superseded', 'skipped'] as const;

/** At most this many rows of a group are listed; one more row says how many the CSV has besides. */
export const BULK_VIEW_ROW_CAP = 500;

export interface BulkViewGroup<T> {
  /** The status of every row in the group. */
  status: string;
  /** How many rows of the run have this status. */
  total: number;
  /** The first rows of the group (at most the cap), in the order of the run. */
  shown: T[];
  /** How many rows of the group are not listed: `total - shown.length`. */
  more: number;
}

/**
 * The run's rows grouped by status: the known statuses in `BULK_VIEW_ORDER`, then any other
 * status in the order it first appears (so no row ever vanishes from the view); empty groups are
 * left out. Rows keep the run's order within a group. One pass, no sort: O(rows).
 */
export function groupBulkResults<T extends { status: string }>(results: readonly T[], cap: number = BULK_VIEW_ROW_CAP): Array<BulkViewGroup<T>> {
  const limit = Number.isNaN(cap) ? 0 : Math.max(0, Math.floor(cap));
  const byStatus = new Map<string, BulkViewGroup<T>>();
  for (const row of results) {
    let group = byStatus.get(row.status);
    if (group === undefined) {
      group = { status: row.status, total: 0, shown: [], more: 0 };
      byStatus.set(row.status, group);
    }
    group.total++;
    if (group.shown.length < limit) group.shown.push(row);
  }
  const known: readonly string[] = BULK_VIEW_ORDER;
  const ordered = [...known.flatMap((status) => byStatus.get(status) ?? []), ...[...byStatus.values()].filter((group) => !known.includes(group.status))];
  for (const group of ordered) group.more = group.total - group.shown.length;
  return ordered;
}
