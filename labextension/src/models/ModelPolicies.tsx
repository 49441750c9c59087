import * as React from 'react';

import { errorMessage } from '../shared/errors';
import { formatRelative, formatTime } from '../shared/format';
import type { IModelGateApi } from './api';
import { policyRequest, policyRows, ruleLines } from './policyRules';
import * as MM from './types';
import { useRemote } from './useRemote';

/**
 * A model's promotion policies, one row per stage: its rules and where they come
 * from (the model's own or the registry's default), each editable as text, one
 * rule per line (no rules removes the model's policy for that stage).
 */
export function ModelPolicies(props: {
  api: Pick<IModelGateApi, 'policies' | 'setPolicy'>;
  model: string;
  now: Date;
}): JSX.Element {
  const { api, model } = props;
  const remote = useRemote(() => api.policies(model), model);
  const [editing, setEditing] = React.useState<string | null>(null);
  const { state } = remote;
  return (
    <section
      className="jp-mm-Section jp-mm-Section-policies"
      aria-label="Promotion policies"
    >
      <h2 className="jp-mm-Section-title">
        <span>Promotion policies</span>
      </h2>
      {state.kind === 'loading' && (
        <p className="jp-mm-Muted">Loading policies…</p>
      )}
      {state.kind === 'failed' && (
        <p className="jp-mm-InlineError" role="alert">
          {`Cannot load the policies: ${state.message}`}
        </p>
      )}
      {state.kind === 'loaded' && (
        <ul className="jp-mm-Policies">
          {policyRows(state.value.policies).map(row => (
            <li
              key={row.stage}
              className="jp-mm-Policy"
              data-stage={row.stage}
              data-source={row.policy?.source ?? 'none'}
            >
              {editing === row.stage ? (
                <PolicyEditor
                  stage={row.stage}
                  policy={row.policy}
                  save={text =>
                    api.setPolicy(
                      model,
                      policyRequest(row.stage, text, row.policy)
                    )
                  }
                  onSaved={policies => {
                    remote.set(policies);
                    setEditing(null);
                  }}
                  onCancel={() => setEditing(null)}
                />
              ) : (
                <PolicyView
                  stage={row.stage}
                  policy={row.policy}
                  now={props.now}
                  onEdit={() => setEditing(row.stage)}
                />
              )}
            </li>
          ))}
        </ul>
      )}
    </section>
  );
}

function PolicyView(props: {
  stage: string;
  policy: MM.IStagePolicy | null;
  now: Date;
  onEdit: () => void;
}): JSX.Element {
  const { stage, policy } = props;
  const rules = policy?.require ?? [];
  return (
    <>
      <div className="jp-mm-Policy-head">
        <span className="jp-mm-Policy-stage">{stage}</span>
        <span
          className={`jp-mm-PolicySource jp-mm-PolicySource-${policy?.source ?? 'none'}`}
          title={
            policy?.source === 'default'
              ? 'The registry-wide default policy (no policy of this model)'
              : policy?.source === 'model'
                ? "This model's own policy"
                : 'No policy: any version may move here'
          }
        >
          {policy?.source ?? 'none'}
        </span>
        {policy?.updated_at && (
          <span
            className="jp-mm-Muted jp-mm-Policy-updated"
            title={formatTime(policy.updated_at)}
          >
            {`updated ${formatRelative(policy.updated_at, props.now)}` +
              (policy.updated_by ? ` by ${policy.updated_by}` : '')}
          </span>
        )}
        <button
          className="jp-mm-Button jp-mm-Policy-edit"
          aria-label={`Edit the ${stage} policy`}
          title={`Edit the rules a version must pass to enter ${stage}`}
          onClick={props.onEdit}
        >
          Edit
        </button>
      </div>
      {rules.length === 0 ? (
        <p className="jp-mm-Muted jp-mm-Policy-empty">No rules.</p>
      ) : (
        <ul className="jp-mm-Policy-rules">
          {rules.map((rule, i) => (
            <li key={`${i}:${rule}`} data-rule={rule}>
              <code>{rule}</code>
            </li>
          ))}
        </ul>
      )}
      {policy && policy.overriders.length > 0 && (
        <p className="jp-mm-Policy-overriders">
          {`May force past it: ${policy.overriders.join(', ')}`}
        </p>
      )}
    </>
  );
}

function PolicyEditor(props: {
  stage: string;
  policy: MM.IStagePolicy | null;
  save: (text: string) => Promise<MM.IModelPolicies>;
  onSaved: (policies: MM.IModelPolicies) => void;
  onCancel: () => void;
}): JSX.Element {
  const { stage, policy } = props;
  const [text, setText] = React.useState(
    policy?.source === 'model' ? ruleLines(policy.require) : ''
  );
  const [busy, setBusy] = React.useState(false);
  const [error, setError] = React.useState<string | null>(null);
  const id = `jp-mm-policy-${React.useId()}`;
  const submit = async () => {
    setBusy(true);
    setError(null);
    try {
      props.onSaved(await props.save(text));
    } catch (err) {
      setError(errorMessage(err));
      setBusy(false);
    }
  };
  return (
    <form
      className="jp-mm-PolicyEditor"
      aria-label={`Rules for ${stage}`}
      onSubmit={e => {
        e.preventDefault();
        void submit();
      }}
      onKeyDown={e => {
        if (e.key === 'Escape') {
          e.preventDefault();
          props.onCancel();
        }
      }}
    >
      <label className="jp-mm-PolicyEditor-label" htmlFor={id}>
        {`Rules for ${stage}, one per line (none removes this model's policy)`}
      </label>
      {policy?.source === 'default' && (
        <p className="jp-mm-Muted jp-mm-PolicyEditor-note">
          {`The registry's default applies now: ${policy.require.join('; ') || 'no rules'}. Rules saved here replace it for this model.`}
        </p>
      )}
      <textarea
        id={id}
        className="jp-mod-styled jp-mm-PolicyEditor-text"
        rows={Math.max(3, text.split('\n').length + 1)}
        autoFocus
        spellCheck={false}
        placeholder={'test.accuracy >= 0.9\napprovals >= 1'}
        aria-invalid={error !== null}
        aria-describedby={error ? `${id}-error` : undefined}
        value={text}
        disabled={busy}
        onChange={e => setText(e.target.value)}
      />
      {error && (
        <p className="jp-mm-InlineError" id={`${id}-error`} role="alert">
          {error}
        </p>
      )}
      <div className="jp-mm-PolicyEditor-actions">
        <button
          type="submit"
          className="jp-mm-Button jp-mm-Button-primary"
          disabled={busy}
        >
          {busy ? 'Saving…' : 'Save'}
        </button>
        <button
          type="button"
          className="jp-mm-Button"
          disabled={busy}
          onClick={props.onCancel}
        >
          Cancel
        </button>
      </div>
    </form>
  );
}
