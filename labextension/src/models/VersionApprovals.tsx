import * as React from 'react';

import { errorMessage } from '../shared/errors';
import { formatRelative, formatTime } from '../shared/format';
import type { IModelGateApi } from './api';
import * as MM from './types';
import { useRemote } from './useRemote';

/**
 * A version's approvals (who, when, comment; one that does not count says why)
 * and the "Approve" form with an optional comment.
 */
export function VersionApprovals(props: {
  api: Pick<IModelGateApi, 'approvals' | 'approve'>;
  version: Pick<MM.IModelVersion, 'name' | 'version' | 'ref'>;
  now: Date;
}): JSX.Element {
  const { api, version, now } = props;
  const remote = useRemote(
    () => api.approvals(version.name, version.version),
    version.ref
  );
  const { state } = remote;
  return (
    <div className="jp-mm-Approvals" data-approvals-of={version.ref}>
      {state.kind === 'loading' && (
        <p className="jp-mm-Muted">Loading approvals…</p>
      )}
      {state.kind === 'failed' && (
        <p className="jp-mm-InlineError" role="alert">
          {`Cannot load the approvals: ${state.message}`}
        </p>
      )}
      {state.kind === 'loaded' && (
        <ApprovalList approvals={state.value} now={now} />
      )}
      <ApproveForm
        versionRef={version.ref}
        approve={comment => api.approve(version.name, version.version, comment)}
        onApproved={remote.set}
      />
    </div>
  );
}

function ApprovalList(props: {
  approvals: MM.IApprovals;
  now: Date;
}): JSX.Element {
  const { approvals, count } = props.approvals;
  if (approvals.length === 0) {
    return (
      <p className="jp-mm-Muted jp-mm-Approvals-none">No approvals yet.</p>
    );
  }
  return (
    <>
      <p className="jp-mm-Approvals-count" data-count={count}>
        {`${count} of ${approvals.length} ${approvals.length === 1 ? 'approval counts' : 'approvals count'}`}
      </p>
      <ul className="jp-mm-Approvals-list">
        {approvals.map((a, i) => (
          <li
            key={`${i}:${a.user}`}
            className={
              'jp-mm-Approval' + (a.counts ? '' : ' jp-mm-Approval-void')
            }
            data-approval-user={a.user}
            data-counts={a.counts ? 'true' : 'false'}
          >
            <span className="jp-mm-Approval-user">{a.user}</span>
            <span className="jp-mm-Approval-when" title={formatTime(a.at)}>
              {formatRelative(a.at, props.now)}
            </span>
            {a.comment && (
              <span className="jp-mm-Approval-comment">{a.comment}</span>
            )}
            {!a.counts && (
              <span className="jp-mm-Approval-whyNot">
                {`Does not count: ${a.why_not ?? 'not counted by the policy'}`}
              </span>
            )}
          </li>
        ))}
      </ul>
    </>
  );
}

function ApproveForm(props: {
  versionRef: string;
  approve: (comment: string) => Promise<MM.IApprovals>;
  onApproved: (approvals: MM.IApprovals) => void;
}): JSX.Element {
  const [comment, setComment] = React.useState('');
  const [busy, setBusy] = React.useState(false);
  const [error, setError] = React.useState<string | null>(null);
  const submit = async () => {
    setBusy(true);
    setError(null);
    try {
      props.onApproved(await props.approve(comment.trim()));
      setComment('');
    } catch (err) {
      setError(errorMessage(err));
    } finally {
      setBusy(false);
    }
  };
  return (
    <form
      className="jp-mm-ApproveForm"
      aria-label={`Approve ${props.versionRef}`}
      onSubmit={e => {
        e.preventDefault();
        void submit();
      }}
    >
      <input
        type="text"
        className="jp-mod-styled jp-mm-ApproveForm-comment"
        aria-label="Approval comment"
        placeholder="Comment (optional), e.g. reviewed the report"
        maxLength={2000}
        value={comment}
        disabled={busy}
        onChange={e => setComment(e.target.value)}
      />
      <button
        type="submit"
        className="jp-mm-Button jp-mm-Button-primary jp-mm-ApproveForm-submit"
        title={`Approve ${props.versionRef}`}
        disabled={busy}
      >
        {busy ? 'Approving…' : 'Approve'}
      </button>
      {error && (
        <span className="jp-mm-InlineError" role="alert">
          {`Cannot approve: ${error}`}
        </span>
      )}
    </form>
  );
}
