/**
 * The JupyterLab dialogs of run housekeeping, shared by the table and the run
 * view: a name, a markdown note, tags, a target experiment, a bulk tag, and the
 * confirmation of a delete. Bodies are built from DOM text nodes only (names and
 * notes are user data).
 */
import { Dialog, InputDialog, showDialog } from '@jupyterlab/apputils';
import { Widget } from '@lumino/widgets';

/**
 * The dialogs, as one object: what a run view is given (tests give fakes).
 */
export interface IEditDialogs {
  /** One line of text (a name, a tag); null when cancelled. */
  askLine: typeof askLine;
  /** Several lines (a note, tags); null when cancelled. */
  askTextArea: typeof askTextArea;
  /** An experiment to move to; null when cancelled. */
  askExperiment: typeof askExperiment;
  /** Confirm a delete. */
  confirmDelete: typeof confirmDelete;
}

/** The JupyterLab dialogs. */
export function editDialogs(): IEditDialogs {
  return { askLine, askTextArea, askExperiment, confirmDelete };
}

/**
 * A dialog body with a caption and a multi-line text field.
 */
class TextAreaBody extends Widget implements Dialog.IBodyWidget<string> {
  constructor(label: string, value: string, placeholder: string) {
    super();
    this.addClass('jp-mm-TextAreaBody');
    const caption = document.createElement('label');
    caption.className = 'jp-mm-TextAreaBody-label';
    caption.textContent = label;
    this._area = document.createElement('textarea');
    this._area.className = 'jp-mod-styled jp-mm-TextAreaBody-text';
    this._area.value = value;
    this._area.rows = 10;
    this._area.placeholder = placeholder;
    this._area.setAttribute('aria-label', label);
    caption.append(this._area);
    this.node.append(caption);
  }

  getValue(): string {
    return this._area.value;
  }

  protected onAfterAttach(): void {
    this._area.focus();
  }

  private _area: HTMLTextAreaElement;
}

/** Ask for multi-line text; null when cancelled. */
export async function askTextArea(options: {
  title: string;
  label: string;
  value: string;
  placeholder?: string;
  accept?: string;
}): Promise<string | null> {
  const result = await showDialog<string>({
    title: options.title,
    body: new TextAreaBody(
      options.label,
      options.value,
      options.placeholder ?? ''
    ),
    buttons: [
      Dialog.cancelButton(),
      Dialog.okButton({ label: options.accept ?? 'Save' })
    ]
  });
  return result.button.accept ? (result.value ?? '') : null;
}

/** Ask for one line of text; null when cancelled. */
export async function askLine(options: {
  title: string;
  label: string;
  value: string;
  placeholder?: string;
  accept?: string;
}): Promise<string | null> {
  const result = await InputDialog.getText({
    title: options.title,
    label: options.label,
    text: options.value,
    placeholder: options.placeholder,
    okLabel: options.accept ?? 'Save',
    selectionRange: options.value.length
  });
  return result.button.accept ? (result.value ?? '') : null;
}

/**
 * Ask for an experiment to move runs to: one of the known ones, or a new name
 * typed in; null when cancelled.
 */
export async function askExperiment(
  experiments: ReadonlyArray<string>,
  current: string,
  what: string
): Promise<string | null> {
  const result = await InputDialog.getItem({
    title: `Move ${what} to experiment`,
    label: 'Experiment (pick one or type a new name)',
    items: [...experiments],
    current: experiments.includes(current) ? current : undefined,
    editable: true,
    okLabel: 'Move'
  });
  const value = result.value?.trim() ?? '';
  return result.button.accept && value ? value : null;
}

/** Ask to confirm deleting runs (soft: restorable until `mm-jupyter gc`). */
export async function confirmDelete(
  names: ReadonlyArray<string>
): Promise<boolean> {
  const body = document.createElement('div');
  const text = document.createElement('p');
  text.textContent =
    names.length === 1
      ? `Delete run ${names[0]}?`
      : `Delete ${names.length} runs (${names.slice(0, 5).join(', ')}${names.length > 5 ? ', …' : ''})?`;
  const detail = document.createElement('p');
  detail.className = 'jp-mm-ConfirmBody-detail';
  detail.textContent =
    'Deleted runs leave every list; they can be restored until `mm-jupyter gc` purges them.';
  body.append(text, detail);
  const result = await showDialog({
    title: names.length === 1 ? 'Delete run' : 'Delete runs',
    body: new Widget({ node: body }),
    buttons: [Dialog.cancelButton(), Dialog.warnButton({ label: 'Delete' })]
  });
  return result.button.accept;
}

/** Tell the user what failed (the server's messages, as text). */
export async function showFailures(
  title: string,
  failures: ReadonlyArray<string>
): Promise<void> {
  if (failures.length === 0) {
    return;
  }
  const body = document.createElement('ul');
  for (const failure of failures) {
    const li = document.createElement('li');
    li.textContent = failure;
    body.append(li);
  }
  await showDialog({
    title,
    body: new Widget({ node: body }),
    buttons: [Dialog.okButton({ label: 'Close' })]
  });
}
