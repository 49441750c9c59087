/**
 * The body of the transition dialog for a move to a gated stage (issue 17): the
 * stage's policy check rule by rule, fetched when the dialog opens, then the
 * "Force" option with its reason (when the user may override) and the comment.
 *
 * The accepting button follows {@link gateVerdict}: the body marks itself
 * invalid (JupyterLab's dialog validation: an `:invalid` input or a
 * `.jp-mod-error` element) while accepting is not allowed, so neither a click
 * nor Enter accepts.
 */
import { Dialog } from '@jupyterlab/apputils';
import { ReactWidget } from '@jupyterlab/ui-components';
import * as React from 'react';

import { errorMessage } from '../shared/errors';
import {
  CheckState,
  failedRules,
  gateVerdict,
  IForceChoice,
  policySourceText,
  ruleStatusText
} from './gate';
import { IConfirmRequest, IConfirmResult, IGateRequest } from './transitions';
import * as MM from './types';

/** What the body answers when accepted (the dialog adds "archive the others"). */
type GateValue = Omit<IConfirmResult, 'archiveOthers'>;

/**
 * The dialog body of a gated move: a React widget that keeps the user's answer
 * for {@link getValue}.
 */
export class GateBody
  extends ReactWidget
  implements Dialog.IBodyWidget<GateValue>
{
  constructor(
    private readonly _request: IConfirmRequest,
    private readonly _gate: IGateRequest
  ) {
    super();
    this.addClass('jp-mm-ConfirmBody');
    this.addClass('jp-mm-GateBody');
  }

  getValue(): GateValue {
    return this._value;
  }

  protected render(): JSX.Element {
    return (
      <GatePanel
        request={this._request}
        gate={this._gate}
        onValue={value => (this._value = value)}
        onVerdict={canAccept => this._sync(canAccept)}
      />
    );
  }

  /** Enable or disable the accepting button, and have the dialog re-validate. */
  private _sync(canAccept: boolean): void {
    const dialog = this.node.closest('.jp-Dialog');
    dialog
      ?.querySelectorAll<HTMLButtonElement>('.jp-Dialog-button.jp-mod-accept')
      .forEach(button => (button.disabled = !canAccept));
    // JupyterLab's dialog checks its validity on `input` events.
    this.node.dispatchEvent(new Event('input', { bubbles: true }));
  }

  private _value: GateValue = { comment: '', force: false, reason: '' };
}

/**
 * The check, the Force option and the comment.
 */
export function GatePanel(props: {
  request: IConfirmRequest;
  gate: IGateRequest;
  onValue: (value: GateValue) => void;
  onVerdict: (canAccept: boolean) => void;
}): JSX.Element {
  const { request, gate } = props;
  const [state, setState] = React.useState<CheckState>({ kind: 'loading' });
  const [choice, setChoice] = React.useState<IForceChoice>({
    force: false,
    reason: ''
  });
  const [comment, setComment] = React.useState(request.comment);
  React.useEffect(() => {
    let live = true;
    gate.load().then(
      report => live && setState({ kind: 'loaded', report }),
      (err: unknown) =>
        live && setState({ kind: 'unavailable', message: errorMessage(err) })
    );
    return () => {
      live = false;
    };
  }, [gate]);
  const verdict = gateVerdict(state, choice);
  const { onValue, onVerdict } = props;
  React.useEffect(() => {
    onValue({ comment, force: verdict.forced, reason: choice.reason });
    onVerdict(verdict.canAccept);
  });
  const reasonId = `jp-mm-gate-reason-${React.useId()}`;
  return (
    <>
      <p className="jp-mm-ConfirmBody-text">{request.body}</p>
      {request.detail && (
        <p className="jp-mm-ConfirmBody-detail">{`Server: ${request.detail}`}</p>
      )}
      <section
        className="jp-mm-Gate"
        aria-label={`Policy check for ${gate.stage}`}
        data-check-state={state.kind}
      >
        <CheckView stage={gate.stage} state={state} />
        {verdict.offerForce && (
          <div className="jp-mm-Gate-force">
            <label className="jp-mm-Gate-forceLabel">
              <input
                type="checkbox"
                className="jp-mm-Gate-forceBox"
                checked={choice.force}
                onChange={e =>
                  setChoice({ ...choice, force: e.target.checked })
                }
              />
              <span>Force the move past the failing rules</span>
            </label>
            {choice.force && (
              <label className="jp-mm-ConfirmBody-label" htmlFor={reasonId}>
                <span>Reason (required, recorded in the history)</span>
                <textarea
                  id={reasonId}
                  className="jp-mod-styled jp-mm-Gate-reason"
                  rows={2}
                  required
                  aria-required="true"
                  placeholder="Why may it skip the policy?"
                  value={choice.reason}
                  onChange={e =>
                    setChoice({ ...choice, reason: e.target.value })
                  }
                />
              </label>
            )}
          </div>
        )}
        {verdict.hint && (
          <p
            className={
              'jp-mm-Gate-hint' +
              (verdict.canAccept ? '' : ' jp-mm-Gate-hint-blocked')
            }
            role="status"
          >
            {verdict.hint}
          </p>
        )}
        {!verdict.canAccept && (
          // Read by JupyterLab's dialog validation: no accepting while present.
          <span className="jp-mm-VisuallyHidden jp-mod-error" data-blocked="">
            Accepting is blocked.
          </span>
        )}
      </section>
      <label className="jp-mm-ConfirmBody-label">
        <span>Comment (optional)</span>
        <input
          type="text"
          className="jp-mod-styled jp-mm-ConfirmBody-comment"
          placeholder="Why? e.g. passed review"
          aria-label="Comment"
          value={comment}
          onChange={e => setComment(e.target.value)}
        />
      </label>
    </>
  );
}

/** The check's outcome: loading, unavailable, or the policy rule by rule. */
function CheckView(props: { stage: string; state: CheckState }): JSX.Element {
  const { state, stage } = props;
  if (state.kind === 'loading') {
    return <p className="jp-mm-Muted jp-mm-Gate-loading">Checking…</p>;
  }
  if (state.kind === 'unavailable') {
    return (
      <p className="jp-mm-Gate-unavailable">{`Cannot check the ${stage} policy: ${state.message}`}</p>
    );
  }
  const { report } = state;
  if (report.rules.length === 0) {
    return (
      <p className="jp-mm-Muted jp-mm-Gate-none">{`No policy gates ${stage}.`}</p>
    );
  }
  const failing = failedRules(report).length;
  return (
    <>
      <h3 className="jp-mm-Gate-title">
        {`${stage} policy (${policySourceText(report.policy.source)}): ` +
          (failing === 0
            ? 'every rule passes'
            : `${failing} of ${report.rules.length} ${report.rules.length === 1 ? 'rule fails' : 'rules fail'}`)}
      </h3>
      <RuleList rules={report.rules} />
    </>
  );
}

/** The rules of a check, each with its status and message. */
export function RuleList(props: { rules: MM.IRuleResult[] }): JSX.Element {
  return (
    <ul className="jp-mm-GateRules">
      {props.rules.map((r, i) => (
        <li
          key={`${i}:${r.rule}`}
          className={`jp-mm-GateRule jp-mm-GateRule-${r.passed ? 'ok' : 'blocking'}`}
          data-rule={r.rule}
          data-status={r.status}
        >
          <span
            className={`jp-mm-RuleStatus jp-mm-RuleStatus-${r.status === 'n/a' ? 'na' : r.status}`}
            title={`The rule ${ruleStatusText(r.status)}`}
          >
            {r.status}
          </span>
          <code className="jp-mm-GateRule-rule">{r.rule}</code>
          {r.message && (
            <span className="jp-mm-GateRule-message">{r.message}</span>
          )}
        </li>
      ))}
    </ul>
  );
}
