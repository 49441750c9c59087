/**
 * The confirmation of a model version transition: a JupyterLab dialog with the
 * consequence, an optional comment and, for promotions, "archive the others";
 * a move to a gated stage also shows the stage's policy check (`GateBody`).
 */
import { Dialog, showDialog } from '@jupyterlab/apputils';
import { Widget } from '@lumino/widgets';

import { GateBody } from './GateDialog';
import { IConfirmRequest, IConfirmResult } from './transitions';

/**
 * Body of the dialog: the consequence as text and a comment field. Built from
 * DOM text nodes only.
 */
class ConfirmBody extends Widget implements Dialog.IBodyWidget<string> {
  constructor(request: IConfirmRequest) {
    super();
    this.addClass('jp-mm-ConfirmBody');
    const text = document.createElement('p');
    text.className = 'jp-mm-ConfirmBody-text';
    text.textContent = request.body;
    this.node.append(text);
    if (request.detail) {
      const detail = document.createElement('p');
      detail.className = 'jp-mm-ConfirmBody-detail';
      detail.textContent = `Server: ${request.detail}`;
      this.node.append(detail);
    }
    const label = document.createElement('label');
    label.className = 'jp-mm-ConfirmBody-label';
    const caption = document.createElement('span');
    caption.textContent = 'Comment (optional)';
    this._input = document.createElement('input');
    this._input.type = 'text';
    this._input.className = 'jp-mod-styled jp-mm-ConfirmBody-comment';
    this._input.placeholder = 'Why? e.g. passed review';
    this._input.value = request.comment;
    this._input.setAttribute('aria-label', 'Comment');
    label.append(caption, this._input);
    this.node.append(label);
  }

  getValue(): string {
    return this._input.value;
  }

  private _input: HTMLInputElement;
}

/**
 * Ask the user; null when cancelled.
 */
export async function confirmTransition(
  request: IConfirmRequest
): Promise<IConfirmResult | null> {
  const accept = request.danger
    ? Dialog.warnButton({ label: request.accept })
    : Dialog.okButton({ label: request.accept });
  const body = request.gate
    ? new GateBody(request, request.gate)
    : new ConfirmBody(request);
  const result = await showDialog<
    string | Omit<IConfirmResult, 'archiveOthers'>
  >({
    title: request.title,
    body,
    buttons: [Dialog.cancelButton(), accept],
    checkbox: request.archiveOthers
      ? { label: request.archiveOthers, checked: false }
      : null,
    focusNodeSelector: '.jp-mm-ConfirmBody-comment'
  });
  if (!result.button.accept) {
    return null;
  }
  const value = result.value;
  const archiveOthers = result.isChecked === true;
  return typeof value === 'string' || value === null
    ? { comment: value ?? '', archiveOthers }
    : { ...value, archiveOthers };
}
