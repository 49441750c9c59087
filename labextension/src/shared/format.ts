/**
 * Text formatting of values shown in the sidebar and run details. Every function
 * returns plain text; React renders it as text.
 */
import * as MM from './types';

/**
 * Format a number compactly: 4 significant digits, exponent for tiny or huge values.
 */
export function formatNumber(value: number | null | undefined): string {
  if (value === null || value === undefined) {
    return '';
  }
  if (Number.isNaN(value)) {
    return 'NaN';
  }
  if (!Number.isFinite(value)) {
    return value > 0 ? '∞' : '−∞';
  }
  if (Number.isInteger(value) && Math.abs(value) < 1e9) {
    return String(value);
  }
  const abs = Math.abs(value);
  if (abs !== 0 && (abs < 1e-3 || abs >= 1e6)) {
    return value.toExponential(2);
  }
  return String(Number(value.toPrecision(4)));
}

/**
 * Format a param, tag or other JSON value as text.
 */
export function formatValue(value: MM.JSONValue | undefined): string {
  if (value === undefined) {
    return '';
  }
  if (typeof value === 'string') {
    return value;
  }
  if (typeof value === 'number') {
    return formatNumber(value);
  }
  return JSON.stringify(value);
}

/**
 * Format a duration in seconds: `201 ms`, `2.4 s`, `42 s`, `3 min 12 s`, `10 min`,
 * `2 h 7 min`. The one duration format of the sidebar, the CLI and the notebook
 * (`mm_jupyter/core/units.py` writes the same).
 */
export function formatDuration(seconds: number | null | undefined): string {
  if (seconds === null || seconds === undefined || !Number.isFinite(seconds)) {
    return '';
  }
  const t = Math.max(0, seconds);
  if (Math.round(t * 1000) < 1000) {
    return `${Math.round(t * 1000)} ms`;
  }
  if (Math.round(t * 10) < 100) {
    return `${t.toFixed(1)} s`;
  }
  const whole = Math.round(t);
  if (whole < 60) {
    return `${whole} s`;
  }
  if (whole < 3600) {
    const secs = whole % 60;
    const minutes = Math.floor(whole / 60);
    return secs ? `${minutes} min ${secs} s` : `${minutes} min`;
  }
  const allMinutes = Math.round(whole / 60);
  const minutes = allMinutes % 60;
  const hours = Math.floor(allMinutes / 60);
  return minutes ? `${hours} h ${minutes} min` : `${hours} h`;
}

/**
 * Parse an ISO-8601 timestamp, or return null.
 */
export function parseTime(iso: string | null | undefined): Date | null {
  if (!iso) {
    return null;
  }
  const date = new Date(iso);
  return Number.isNaN(date.getTime()) ? null : date;
}

/**
 * Format a timestamp relative to `now`: `just now`, `5 min ago`, `3 h ago`,
 * `yesterday`, `4 d ago`, then the date.
 */
export function formatRelative(
  iso: string | null | undefined,
  now: Date = new Date()
): string {
  const date = parseTime(iso);
  if (!date) {
    return '';
  }
  const seconds = (now.getTime() - date.getTime()) / 1000;
  if (seconds < 45) {
    return 'just now';
  }
  if (seconds < 3600) {
    return `${Math.max(1, Math.round(seconds / 60))} min ago`;
  }
  if (seconds < 86400) {
    return `${Math.round(seconds / 3600)} h ago`;
  }
  if (seconds < 2 * 86400) {
    return 'yesterday';
  }
  if (seconds < 7 * 86400) {
    return `${Math.floor(seconds / 86400)} d ago`;
  }
  return date.toISOString().slice(0, 10);
}

/**
 * Format a timestamp in the user's locale, for tooltips and details.
 */
export function formatTime(iso: string | null | undefined): string {
  const date = parseTime(iso);
  return date ? date.toLocaleString() : '';
}

/**
 * Format a byte count in SI units (1 kB = 1000 B): `512 B`, `86.0 kB`, `1.2 MB`,
 * as `mm_jupyter/core/units.py` does for the CLI and the notebook.
 */
export function formatBytes(bytes: number): string {
  if (!Number.isFinite(bytes)) {
    return '';
  }
  if (bytes < 1000) {
    return `${Math.round(bytes)} B`;
  }
  const units = ['kB', 'MB', 'GB', 'TB', 'PB'];
  let value = bytes;
  let unit = 'B';
  for (const u of units) {
    // 999,950 B is 1.0 MB, not "1000.0 kB".
    if (unit !== 'B' && Math.round(value * 10) < 10000) {
      break;
    }
    value /= 1000;
    unit = u;
  }
  return `${value.toFixed(1)} ${unit}`;
}

/**
 * Strip ANSI escape sequences (IPython colours tracebacks).
 */
export function stripAnsi(text: string): string {
  // eslint-disable-next-line no-control-regex
  return text.replace(/\x1b\[[0-9;?]*[A-Za-z]/g, '');
}

/**
 * The duration of a run: recorded, or elapsed so far while it is running.
 */
export function runDuration(
  run: MM.IRunSummary,
  now: Date = new Date()
): number | null {
  if (run.duration_s !== null) {
    return run.duration_s;
  }
  const started = parseTime(run.started_at);
  if (run.status === 'running' && started) {
    return Math.max(0, (now.getTime() - started.getTime()) / 1000);
  }
  return null;
}

/** Aliases (of an artifact or a model) as `[alias, version]`, sorted by alias. */
export function aliasEntries(
  aliases: Readonly<Record<string, number>>
): [string, number][] {
  return Object.entries(aliases).sort(([a], [b]) => a.localeCompare(b));
}
