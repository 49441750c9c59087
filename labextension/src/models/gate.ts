/**
 * Pure rules of the promotion gate in the transition dialog (issue 17): whether
 * the accepting button is enabled for a stage's check and the user's Force
 * choice, the words of a rule's status, and the check a 409 carries. No React,
 * no JupyterLab: unit-tested on their own.
 */
import { MMApiError } from '../shared/errors';
import { decodeCheckReport } from './decodeGates';
import * as MM from './types';

/** Stages a policy may gate (archiving, or leaving a stage, is never refused). */
const GATED_STAGES: ReadonlyArray<string> = ['staging', 'production'];

/** Whether moving to `stage` is checked against a policy first. */
export function isGated(stage: string): boolean {
  return GATED_STAGES.includes(stage);
}

/** Where the dialog is with a stage's check. */
export type CheckState =
  | { kind: 'loading' }
  | { kind: 'loaded'; report: MM.ICheckReport }
  /** The check could not be made (an older server, a network error). */
  | { kind: 'unavailable'; message: string };

/** The user's answer to "Force", when it is offered. */
export interface IForceChoice {
  /** Whether "Force" is checked. */
  force: boolean;
  /** The reason typed. */
  reason: string;
}

/** What the dialog shows and allows, for a check and a Force choice. */
export interface IGateVerdict {
  /** Whether the accepting button is enabled. */
  canAccept: boolean;
  /** Whether the "Force" option is shown. */
  offerForce: boolean;
  /** Whether the request is sent with `force` and the reason. */
  forced: boolean;
  /** Why accepting is not possible (or what it will do), or null. */
  hint: string | null;
}

/** "1 rule fails", "2 rules fail". */
function failingText(n: number): string {
  return n === 1 ? '1 rule fails' : `${n} rules fail`;
}

/**
 * The verdict of the dialog: accepting waits for the check; a failing check
 * blocks it, unless the user may override, checks "Force" and gives a reason. A
 * check that could not be made does not block: the server checks again.
 */
export function gateVerdict(
  state: CheckState,
  choice: IForceChoice
): IGateVerdict {
  const none = { offerForce: false, forced: false };
  switch (state.kind) {
    case 'loading':
      return { ...none, canAccept: false, hint: 'Checking the policy…' };
    case 'unavailable':
      return {
        ...none,
        canAccept: true,
        hint: 'The policy could not be checked here; the server checks it when you confirm.'
      };
    case 'loaded': {
      const { report } = state;
      const failing = failedRules(report).length;
      if (report.passed && failing === 0) {
        return { ...none, canAccept: true, hint: null };
      }
      const n = Math.max(failing, 1);
      if (!report.can_override) {
        return {
          ...none,
          canAccept: false,
          hint: `${failingText(n)}: the version can move to ${report.stage} once ${n === 1 ? 'it passes' : 'they pass'}.`
        };
      }
      if (!choice.force) {
        return {
          canAccept: false,
          offerForce: true,
          forced: false,
          hint: `${failingText(n)}. You may force the move with a reason.`
        };
      }
      if (!choice.reason.trim()) {
        return {
          canAccept: false,
          offerForce: true,
          forced: false,
          hint: 'A forced move needs a reason (it is recorded in the history).'
        };
      }
      return { canAccept: true, offerForce: true, forced: true, hint: null };
    }
  }
}

/** The rules of a report that block the move, as written. */
export function failedRules(report: MM.ICheckReport): string[] {
  const out = new Set(report.failed);
  for (const r of report.rules) {
    if (!r.passed) {
      out.add(r.rule);
    }
  }
  return [...out];
}

/** A rule's status in words, for its badge's tooltip and accessible name. */
export function ruleStatusText(status: MM.RuleStatus): string {
  switch (status) {
    case 'pass':
      return 'passes';
    case 'fail':
      return 'fails';
    case 'n/a':
      return 'does not apply';
    case 'error':
      return 'cannot be evaluated';
  }
}

/** A policy's source in words. */
export function policySourceText(source: MM.PolicySource): string {
  switch (source) {
    case 'model':
      return "this model's policy";
    case 'default':
      return "the registry's default policy";
    case 'none':
      return 'no policy';
  }
}

/**
 * The check a 409 answer to a transition carries (a policy refused it), or null
 * for any other error, or a check that does not decode.
 */
export function refusedCheck(err: unknown): MM.ICheckReport | null {
  if (!(err instanceof MMApiError) || err.status !== 409 || !err.body) {
    return null;
  }
  if (err.body.check === undefined || err.body.check === null) {
    return null;
  }
  try {
    return decodeCheckReport(err.body.check);
  } catch {
    return null;
  }
}
