/**
 * Saving blob content as a file: fetched with the server's auth, handed to the
 * browser through a short-lived object URL on an `<a download>`.
 */

/** How long an object URL stays valid after the click (the save may be slow to start). */
const REVOKE_AFTER_MS = 60 * 1000;

/**
 * A file name safe to suggest for a download: no folders, no control characters.
 */
export function downloadName(name: string, fallback: string): string {
  const base = (name.split(/[\\/]/).pop() ?? '').replace(
    // eslint-disable-next-line no-control-regex
    /[\x00-\x1f\x7f]/g,
    ''
  );
  const trimmed = base.trim();
  return trimmed && trimmed !== '.' && trimmed !== '..' ? trimmed : fallback;
}

/**
 * Fetch a blob and save it as `fileName`.
 *
 * The content is re-typed `application/octet-stream`: the object URL lives on the
 * lab's origin, and it must never be rendered there as HTML or SVG.
 */
export async function saveBlob(
  loadBlob: (digest: string) => Promise<Blob>,
  digest: string,
  fileName: string
): Promise<void> {
  const blob = await loadBlob(digest);
  const url = URL.createObjectURL(
    new Blob([blob], { type: 'application/octet-stream' })
  );
  const a = document.createElement('a');
  a.href = url;
  a.download = fileName;
  a.rel = 'noopener';
  a.style.display = 'none';
  document.body.appendChild(a);
  try {
    a.click();
  } finally {
    a.remove();
    window.setTimeout(() => URL.revokeObjectURL(url), REVOKE_AFTER_MS);
  }
}
