// The open assignment's locked settings: dotted spec paths (`train.optimizer.lr`, `model.layers`) that a
// run of it must leave as the assignment has them. The server refuses a run that changes one (422 naming
// it); the page shows every control that would change one as locked, and says which lock holds it.

/** The lock a change of `path` would break: one at it, above it or below it (changing `train.optimizer`
 * changes a locked `train.optimizer.lr`). The server's rule: backend/services/locks.py `lock_on`. */
export function lockOn(locked: readonly string[], path: string): string | null {
  return locked.find((lock) => lock === path || path.startsWith(`${lock}.`) || lock.startsWith(`${path}.`)) ?? null;
}

/** The open assignment's title and locks; none open: no locks. */
export const locks = $state<{ title: string; paths: string[] }>({ title: '', paths: [] });

export function lockedBy(...paths: string[]): string | null {
  for (const path of paths) {
    const lock = lockOn(locks.paths, path);
    if (lock) return lock;
  }
  return null;
}

export interface ControlAttributes {
  disabled: boolean;
  title?: string;
  'data-locked'?: string;
}

/** Spread on a control that changes `paths`: disabled when not `editable`, or locked, and then its
 * tooltip names the lock (`data-locked` holds it for the page's style and the tests). */
export function control(editable: boolean, ...paths: string[]): ControlAttributes {
  const lock = lockedBy(...paths);
  if (!lock) return { disabled: !editable };
  return { disabled: true, title: `Locked by the assignment “${locks.title}”: ${lock}`, 'data-locked': lock };
}

/** Every setting of the spec: what loading a whole lesson (or another kind of data) changes. */
export const WHOLE_SPEC = ['data', 'model', 'train', 'stream'];
