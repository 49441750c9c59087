/**
 * Pure rules of a model version's transitions: the actions a version offers, the
 * request body, the confirmation text, performing it with its outcome, and the
 * history's wording. No React, no JupyterLab: unit-tested on their own.
 */
import * as MM from './types';
import { errorMessage, MMApiError } from '../shared/errors';
import { isGated, refusedCheck } from './gate';

/** Rank of a stage in the lifecycle (promotion goes up). */
const STAGE_RANK: Record<string, number> = {
  none: 0,
  archived: 0,
  staging: 1,
  production: 2
};

/** What a user asks of a version. */
export type TransitionIntent =
  | { kind: 'stage'; stage: MM.ModelStage }
  | { kind: 'alias'; alias: string }
  | { kind: 'remove-alias'; alias: string };

/** The actions a version offers, in the order they are shown. */
export interface IVersionAction {
  /** The stage, or `alias` for "Set alias…". */
  id: 'staging' | 'production' | 'archived' | 'alias';
  /** Button text. */
  label: string;
  /** Tooltip and accessible name. */
  title: string;
}

/** The stage actions of a version (stages it is not in), then "Set alias…". */
export function versionActions(
  version: Pick<MM.IModelVersion, 'ref' | 'stage'>
): IVersionAction[] {
  const out: IVersionAction[] = [];
  for (const stage of ['staging', 'production'] as const) {
    if (version.stage !== stage) {
      const verb = stageVerb(version.stage, stage);
      out.push({
        id: stage,
        label: stage === 'staging' ? 'Staging' : 'Production',
        title: `${verb} ${version.ref} to ${stage}`
      });
    }
  }
  if (version.stage !== 'archived') {
    out.push({
      id: 'archived',
      label: 'Archive',
      title: `Archive ${version.ref}`
    });
  }
  out.push({
    id: 'alias',
    label: 'Alias…',
    title: `Set an alias on ${version.ref}`
  });
  return out;
}

/** "Promote" up the lifecycle, "Move" down it. */
export function stageVerb(from: string, to: string): string {
  return (STAGE_RANK[to] ?? 0) > (STAGE_RANK[from] ?? 0) ? 'Promote' : 'Move';
}

/**
 * Check an alias typed in the form; the server has the last word. Returns an
 * explanation, or null when it may be sent.
 */
export function aliasProblem(alias: string): string | null {
  if (!alias) {
    return 'Type an alias.';
  }
  if (/\s/.test(alias)) {
    return 'An alias has no spaces.';
  }
  if (!/^[A-Za-z]/.test(alias)) {
    return 'An alias starts with a letter.';
  }
  if (!/^[A-Za-z0-9_.-]*$/.test(alias)) {
    return 'An alias uses letters, digits, _ . and - only.';
  }
  if (alias.length > 64) {
    return 'An alias has at most 64 characters.';
  }
  return null;
}

/**
 * The request body of an intent. An empty comment is left out; a stage change
 * is forced only with a reason.
 */
export function transitionBody(
  intent: TransitionIntent,
  options: {
    comment?: string;
    archiveOthers?: boolean;
    move?: boolean;
    force?: boolean;
    reason?: string;
  } = {}
): MM.TransitionRequest {
  const comment = options.comment?.trim() ?? '';
  const withComment = comment ? { comment } : {};
  switch (intent.kind) {
    case 'stage': {
      const body = {
        stage: intent.stage,
        ...withComment,
        archive_others: options.archiveOthers === true
      };
      const reason = options.reason?.trim() ?? '';
      return options.force === true && reason
        ? { ...body, force: true, reason }
        : body;
    }
    case 'alias':
      return {
        alias: intent.alias,
        ...withComment,
        move: options.move === true
      };
    case 'remove-alias':
      return { remove_alias: intent.alias, ...withComment };
  }
}

/** What a confirmation dialog asks. */
export interface IConfirmRequest {
  /** Dialog title. */
  title: string;
  /** What happens, in a sentence or two. */
  body: string;
  /** The server's own words, when it refused a first attempt. */
  detail: string | null;
  /** Label of the accepting button. */
  accept: string;
  /** Whether accepting is destructive (a warning-coloured button). */
  danger: boolean;
  /** The comment to start from. */
  comment: string;
  /** Text of the "archive the others" check box, when it applies. */
  archiveOthers: string | null;
  /**
   * The policy check of the target stage, shown before accepting (which it may
   * block), or null when the move is not gated.
   */
  gate?: IGateRequest | null;
}

/** The policy check a confirmation shows. */
export interface IGateRequest {
  /** The stage checked. */
  stage: string;
  /** Fetch the check (or hand over one known already, e.g. a 409's). */
  load: () => Promise<MM.ICheckReport>;
}

/** What the user answered. */
export interface IConfirmResult {
  /** The comment typed (may be empty). */
  comment: string;
  /** Whether "archive the others" was checked. */
  archiveOthers: boolean;
  /** Whether the user forced the move past a failing policy. */
  force?: boolean;
  /** Why, when forced. */
  reason?: string;
}

/**
 * The confirmation of an intent on a version.
 */
export function confirmRequest(
  version: Pick<MM.IModelVersion, 'name' | 'ref' | 'stage'>,
  intent: TransitionIntent,
  others: ReadonlyArray<number> = []
): IConfirmRequest {
  const { ref } = version;
  const base = {
    comment: '',
    archiveOthers: null,
    danger: false,
    detail: null
  };
  switch (intent.kind) {
    case 'stage': {
      const { stage } = intent;
      if (stage === 'archived') {
        return {
          ...base,
          title: `Archive ${ref}?`,
          body: `${ref} leaves ${stageName(version.stage)} and is archived. Loading it by version or alias still works.`,
          accept: 'Archive',
          danger: true
        };
      }
      const verb = stageVerb(version.stage, stage);
      const otherList = others.map(v => `${version.name}:${v}`).join(', ');
      return {
        ...base,
        title: `${verb} ${ref} to ${stage}?`,
        body:
          `${ref} is now in ${stageName(version.stage)}.` +
          (otherList
            ? ` ${others.length === 1 ? 'Version' : 'Versions'} ${otherList} ${others.length === 1 ? 'is' : 'are'} in ${stage} too.`
            : ''),
        accept: verb,
        archiveOthers: otherList
          ? `Archive the other ${stage} ${others.length === 1 ? 'version' : 'versions'} (${otherList})`
          : null
      };
    }
    case 'alias':
      return {
        ...base,
        title: `Set alias ${intent.alias} on ${ref}?`,
        body: `The reference ${version.name}@${intent.alias} will load ${ref}.`,
        accept: 'Set alias'
      };
    case 'remove-alias':
      return {
        ...base,
        title: `Remove alias ${intent.alias} from ${ref}?`,
        body: `The reference ${version.name}@${intent.alias} no longer points at ${ref}.`,
        accept: 'Remove alias',
        danger: true
      };
  }
}

/** A stage as words: `none` is "no stage". */
export function stageName(stage: string): string {
  return stage === 'none' || !stage ? 'no stage' : stage;
}

/** The result of {@link performTransition}. */
export type TransitionOutcome =
  | { kind: 'done'; version: MM.IModelVersion }
  | { kind: 'cancelled' }
  | { kind: 'error'; status: number; message: string };

/**
 * Confirm an intent, send it, and on a 409 for an alias offer to move the alias
 * here (resending with `move: true` and the same comment). A move to a gated
 * stage shows that stage's policy check in the confirmation; when the server
 * still refuses it (409 with a check: the version or the policy changed since),
 * the confirmation is asked again with the server's check.
 *
 * @param confirm - Ask the user; null means cancelled.
 * @param post - Send the request body.
 * @param checks - Fetch a stage's policy check; without it nothing is checked
 *   before sending.
 */
export async function performTransition(options: {
  version: Pick<MM.IModelVersion, 'name' | 'ref' | 'stage'>;
  intent: TransitionIntent;
  others?: ReadonlyArray<number>;
  confirm: (request: IConfirmRequest) => Promise<IConfirmResult | null>;
  post: (body: MM.TransitionRequest) => Promise<MM.IModelVersion>;
  checks?: (stage: string) => Promise<MM.ICheckReport>;
  /** The version holding an alias as far as the view knows, for the move offer. */
  aliasHolder?: (alias: string) => number | null;
}): Promise<TransitionOutcome> {
  const { version, intent, confirm, post, checks } = options;
  const request = confirmRequest(version, intent, options.others);
  if (intent.kind === 'stage' && checks && isGated(intent.stage)) {
    const stage = intent.stage;
    request.gate = { stage, load: () => checks(stage) };
  }
  let answer = await confirm(request);
  if (!answer) {
    return { kind: 'cancelled' };
  }
  let comment = answer.comment;
  // The check of the last refusal by a policy, if any.
  const last: { refused: MM.ICheckReport | null } = { refused: null };
  const send = async (move: boolean): Promise<TransitionOutcome> => {
    last.refused = null;
    try {
      const updated = await post(
        transitionBody(intent, {
          comment,
          archiveOthers: answer?.archiveOthers,
          move,
          force: answer?.force,
          reason: answer?.reason
        })
      );
      return { kind: 'done', version: updated };
    } catch (err) {
      last.refused = refusedCheck(err);
      return {
        kind: 'error',
        status: err instanceof MMApiError ? err.status : -1,
        message: errorMessage(err)
      };
    }
  };
  let first = await send(false);
  // A policy refused the stage change: show the server's check, let the user
  // force it (if allowed) or give up. Once: a second refusal is reported.
  const check = last.refused;
  if (first.kind === 'error' && intent.kind === 'stage' && check) {
    answer = await confirm({
      ...request,
      detail: first.message,
      comment,
      gate: { stage: intent.stage, load: () => Promise.resolve(check) }
    });
    if (!answer) {
      return { kind: 'cancelled' };
    }
    comment = answer.comment;
    first = await send(false);
  }
  if (
    first.kind !== 'error' ||
    first.status !== 409 ||
    intent.kind !== 'alias'
  ) {
    return first;
  }
  const holder = options.aliasHolder?.(intent.alias) ?? null;
  const holderRef =
    holder === null ? 'another version' : `${version.name}:${holder}`;
  const moveAnswer = await confirm({
    title: `Alias ${intent.alias} is held by ${holderRef}`,
    body: `Move ${intent.alias} from ${holderRef} to ${version.ref}? ${holder === null ? 'That version' : holderRef} loses the alias.`,
    detail: first.message,
    accept: 'Move it here',
    danger: false,
    comment,
    archiveOthers: null
  });
  if (!moveAnswer) {
    return { kind: 'cancelled' };
  }
  comment = moveAnswer.comment;
  return send(true);
}

/** A transition as `subject`, `from` and `to` texts for the history. */
export interface ITransitionText {
  /** `v3` for a stage change, the alias for an alias change. */
  subject: string;
  /** Before. */
  from: string;
  /** After. */
  to: string;
}

/** Words of one transition of the history. */
export function transitionText(t: MM.IModelTransition): ITransitionText {
  if (t.kind === 'alias') {
    const v = (x: string | null) => (x === null || x === '' ? '—' : `:${x}`);
    return { subject: t.alias ?? '', from: v(t.from), to: v(t.to) };
  }
  const s = (x: string | null) => (x === null || x === '' ? '—' : x);
  return { subject: `:${t.version}`, from: s(t.from), to: s(t.to) };
}

/** The history, newest first (the server's order among equal times). */
export function sortHistory(
  history: ReadonlyArray<MM.IModelTransition>
): MM.IModelTransition[] {
  return history
    .map((t, i) => [t, i] as const)
    .sort(([a, i], [b, j]) => (b.at ?? '').localeCompare(a.at ?? '') || i - j)
    .map(([t]) => t);
}

/** The versions other than `version` in `stage`. */
export function othersInStage(
  versions: ReadonlyArray<Pick<MM.IModelVersion, 'version' | 'stage'>>,
  version: number,
  stage: string
): number[] {
  return versions
    .filter(v => v.stage === stage && v.version !== version)
    .map(v => v.version)
    .sort((a, b) => b - a);
}
