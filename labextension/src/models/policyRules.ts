/**
 * Pure rules of the policy editor of a model (issue 17): the stages shown, and
 * the textarea's lines as a policy's rules. No React, no JupyterLab.
 */
import * as MM from './types';

/** Stages always shown in the policy section, in this order. */
const SHOWN_STAGES = ['production', 'staging'];

/** A stage's row of the policy section: its policy, or none. */
export interface IPolicyRow {
  /** The stage. */
  stage: string;
  /** Its policy, or null when none applies. */
  policy: MM.IStagePolicy | null;
}

/**
 * One row per stage: production and staging always, then any other stage with a
 * policy (alphabetically). When the server lists a stage twice, the model's own
 * policy wins over the default (it is the one applied).
 */
export function policyRows(
  policies: ReadonlyArray<MM.IStagePolicy>
): IPolicyRow[] {
  const byStage = new Map<string, MM.IStagePolicy>();
  for (const p of policies) {
    const known = byStage.get(p.stage);
    if (!known || (known.source !== 'model' && p.source === 'model')) {
      byStage.set(p.stage, p);
    }
  }
  const others = [...byStage.keys()]
    .filter(s => !SHOWN_STAGES.includes(s))
    .sort();
  return [...SHOWN_STAGES, ...others].map(stage => ({
    stage,
    policy: byStage.get(stage) ?? null
  }));
}

/** The rules typed in the editor: one per line, blank lines left out. */
export function parseRuleLines(text: string): string[] {
  return text
    .split(/\r?\n/)
    .map(line => line.trim())
    .filter(line => line !== '');
}

/** A policy's rules as the editor's text. */
export function ruleLines(rules: ReadonlyArray<string>): string {
  return rules.join('\n');
}

/**
 * The request saving a stage's rules: the overriders of the model's own policy
 * are kept (a default policy's become the model's); no rules removes it.
 */
export function policyRequest(
  stage: string,
  text: string,
  current: MM.IStagePolicy | null
): MM.IPolicyRequest {
  return {
    stage,
    require: parseRuleLines(text),
    overriders: current ? [...current.overriders] : []
  };
}
