/**
 * Pure rules of run edits: tags typed as `key=value` lines, and what a
 * change-history entry says.
 */
import * as MM from './types';

/**
 * The tags as the editor shows them: one `key=value` line per tag (values
 * that are not strings as JSON).
 */
export function tagLines(tags: Readonly<Record<string, MM.JSONValue>>): string {
  return Object.entries(tags)
    .map(([k, v]) => `${k}=${typeof v === 'string' ? v : JSON.stringify(v)}`)
    .join('\n');
}

/**
 * The `tags` of `POST runs/{id}/update` for the editor's text: each `key=value`
 * line sets a tag (a value is text), each old tag without a line is removed
 * (null). Blank lines are skipped.
 *
 * @returns The patch, or an error naming the first bad line.
 */
export function tagPatch(
  text: string,
  old: Readonly<Record<string, MM.JSONValue>>
): { tags: Record<string, string | null> } | { error: string } {
  const tags: Record<string, string | null> = {};
  const lines = text.split('\n');
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i].trim();
    if (!line) {
      continue;
    }
    const eq = line.indexOf('=');
    const key = eq < 0 ? '' : line.slice(0, eq).trim();
    if (!key) {
      return { error: `Line ${i + 1}: expected key=value, got "${line}"` };
    }
    tags[key] = line.slice(eq + 1).trim();
  }
  for (const key of Object.keys(old)) {
    if (!(key in tags)) {
      tags[key] = null;
    }
  }
  // Unchanged values need not be sent.
  for (const [key, value] of Object.entries(tags)) {
    if (key in old && JSON.stringify(old[key]) === JSON.stringify(value)) {
      delete tags[key];
    }
  }
  return { tags };
}

/**
 * One tag patch for many runs (the table's Tag action): set `key=value`, or
 * remove `key` when the text is `key=` or `-key`.
 */
export function bulkTag(
  text: string
): { tags: Record<string, string | null> } | { error: string } {
  const t = text.trim();
  if (t.startsWith('-') && t.length > 1 && !t.includes('=')) {
    return { tags: { [t.slice(1).trim()]: null } };
  }
  const eq = t.indexOf('=');
  const key = eq < 0 ? '' : t.slice(0, eq).trim();
  if (!key) {
    return {
      error: `Expected key=value (or -key to remove a tag), got "${t}"`
    };
  }
  const value = t.slice(eq + 1).trim();
  return { tags: { [key]: value === '' ? null : value } };
}

/** Words of each recorded action. */
const ACTIONS: Record<string, string> = {
  rename: 'renamed',
  note: 'edited the note',
  tags: 'changed tags',
  tag: 'changed tags',
  star: 'starred',
  unstar: 'unstarred',
  archive: 'archived',
  restore: 'restored',
  delete: 'deleted',
  move: 'moved',
  update: 'updated',
  create: 'created'
};

/**
 * One line of a run's change history, as text: what was done and its details
 * (`renamed: old → new`). Everything in it is user data: render as text.
 */
export function describeEvent(event: MM.IRunEvent): string {
  const what = ACTIONS[event.action] ?? event.action;
  const d = event.detail;
  if ('from' in d || 'to' in d) {
    return `${what}: ${show(d.from)} → ${show(d.to)}`;
  }
  if ('old' in d || 'new' in d) {
    return `${what}: ${show(d.old)} → ${show(d.new)}`;
  }
  const rest = Object.entries(d)
    .map(([k, v]) => `${k}=${show(v)}`)
    .join(', ');
  return rest ? `${what} (${rest})` : what;
}

function show(v: MM.JSONValue | undefined): string {
  if (v === undefined || v === null) {
    return '∅';
  }
  const s = typeof v === 'string' ? v : JSON.stringify(v);
  return s.length > 80 ? `${s.slice(0, 79)}…` : s;
}
