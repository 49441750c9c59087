/**
 * Pure rules of how the sidebar names the backend `GET meta` reports (docs/team.md):
 * who is acting, whether the registry is a team one, and the texts of its line.
 * Every string here comes from the server: the views render it as text only.
 */
import * as MM from './types';

/** The short line of a team backend and its tooltip. */
export interface IBackendLine {
  /** What the line says (`Team registry`). */
  label: string;
  /** The acting user, shown after the label, null when unknown. */
  user: string | null;
  /** The tooltip: database and blobs, where each setting came from, the user. */
  title: string;
}

/** How a backend is named for people. */
const BACKEND_NAMES: Record<string, string> = {
  sqlite: 'SQLite',
  postgresql: 'PostgreSQL'
};

/** The acting user as `GET meta` names it, null when the server does not say. */
export function actingUser(meta: MM.IMeta): string | null {
  return meta.backend?.user ?? null;
}

/**
 * Whether the registry is shared: its metadata on a server (PostgreSQL) or its
 * blobs in object storage. The embedded default (SQLite and the registry's own
 * blob folder), and an older server that does not say, are not.
 */
export function isTeamBackend(backend: MM.IBackendInfo | null): boolean {
  return (
    backend !== null && (backend.backend !== 'sqlite' || backend.blobs !== null)
  );
}

/** `value (source)`, or the default's description when the value is null. */
function setting(
  value: string | null,
  source: string,
  fallback: string
): string {
  const text = value ?? fallback;
  return source ? `${text} (${source})` : text;
}

/**
 * The line a team backend gets at the top of the sidebar, or null for the embedded
 * default (nothing new to show).
 */
export function backendLine(meta: MM.IMeta): IBackendLine | null {
  const { backend } = meta;
  if (backend === null || !isTeamBackend(backend)) {
    return null;
  }
  const engine = BACKEND_NAMES[backend.backend] ?? backend.backend;
  const label = backend.backend === 'sqlite' ? 'Team blobs' : 'Team registry';
  const lines = [
    `${label} on ${engine}`,
    'Database: ' +
      setting(
        backend.database,
        backend.database_source,
        "the registry's SQLite file"
      ),
    'Blobs: ' +
      setting(backend.blobs, backend.blobs_source, "the registry's blob folder")
  ];
  if (backend.user) {
    lines.push(`User: ${backend.user}`);
  }
  return { label, user: backend.user, title: lines.join('\n') };
}

/** The tooltip of the registry folder's line: its path, and who is acting. */
export function registryTitle(meta: MM.IMeta): string {
  const user = actingUser(meta);
  return user ? `${meta.registry.path}\nUser: ${user}` : meta.registry.path;
}
