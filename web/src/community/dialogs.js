// The page's dialogs: create a server (a community with topics, or another kind of group),
// join one by its ID, create a topic. Each is a modal <dialog> (Escape closes it, focus stays
// in it) whose form reports what was asked; the caller does it and closes the dialog, or
// throws, and the dialog says why.
import LiveRoom from '../../../sdk/js/liveroom.js';
import { busy, h } from '../shared/dom.js';

const { TYPES } = LiveRoom;

let serial = 0;

/**
 * @param {string} text
 * @param {HTMLElement} control
 * @param {string} [hint]
 */
function field(text, control, hint) {
  const id = `cm-field-${++serial}`;
  control.id = id;
  const hintID = hint ? `${id}-hint` : undefined;
  if (hintID) control.setAttribute('aria-describedby', hintID);
  return h('div', { class: 'ch-field' },
    h('label', { class: 'ch-label', htmlFor: id, text }),
    control,
    hint ? h('span', { class: 'ch-hint', id: hintID, text: hint }) : null,
  );
}

/**
 * A modal dialog around a form.
 * @param {string} title
 * @param {string} name the `data-community` name of the dialog
 * @param {HTMLElement[]} fields
 * @param {string} submitText
 * @param {(close: () => void) => Promise<void>} onSubmit
 */
function modal(title, name, fields, submitText, onSubmit) {
  const titleID = `cm-dialog-${++serial}`;
  const submit = h('button', { type: 'submit', class: 'ch-btn ch-btn-primary', 'data-community': `${name}-submit`, text: submitText });
  const cancel = h('button', { type: 'button', class: 'ch-btn ch-btn-ghost', text: 'Cancel' });
  const problem = h('p', { class: 'cm-dialog-error', 'data-community': `${name}-error`, role: 'alert', hidden: true });
  const form = h('form', { class: 'ch-form', method: 'dialog' },
    h('h2', { class: 'cm-dialog-title', id: titleID, text: title }),
    fields,
    problem,
    h('div', { class: 'ch-form-actions cm-dialog-actions' }, cancel, submit),
  );
  const dialog = h('dialog', { class: 'cm-dialog', 'data-community': `${name}-dialog`, 'aria-labelledby': titleID }, form);
  const close = () => {
    dialog.close();
    dialog.remove();
  };
  cancel.addEventListener('click', close);
  dialog.addEventListener('close', () => dialog.remove());
  form.addEventListener('submit', (ev) => {
    ev.preventDefault();
    problem.hidden = true;
    busy(submit, async () => {
      try {
        await onSubmit(close);
      } catch (err) {
        const e = /** @type {{code?: unknown, message?: unknown}} */ (err && typeof err === 'object' ? err : {});
        const text = typeof e.message === 'string' ? e.message : String(err);
        problem.textContent = typeof e.code === 'number' ? `${e.code}: ${text}` : text;
        problem.hidden = false;
      }
    });
  });
  document.body.appendChild(dialog);
  dialog.showModal();
  return dialog;
}

/**
 * What the create dialog asks for.
 * @typedef {Object} NewServer
 * @property {string} name
 * @property {string} groupID '' for one the server picks
 * @property {string} type one of `TYPES.GRP_*`
 * @property {boolean} topics a community with topics
 * @property {boolean} approval joining needs the owner's or an admin's approval
 * @property {string[]} topicNames the first topics
 */

/**
 * @param {(s: NewServer, close: () => void) => Promise<void>} onCreate
 */
export function createServerDialog(onCreate) {
  const name = h('input', { class: 'ch-input', 'data-community': 'create-name', required: true, maxlength: 30, autocomplete: 'off' });
  const id = h('input', { class: 'ch-input', 'data-community': 'create-id', placeholder: 'picked for you', autocomplete: 'off', spellcheck: false });
  const kind = h('select', { class: 'ch-input', 'data-community': 'create-kind' },
    h('option', { value: 'topics', text: 'Community with topics (channels)' }),
    h('option', { value: TYPES.GRP_COMMUNITY, text: 'Community' }),
    h('option', { value: TYPES.GRP_PUBLIC, text: 'Public group' }),
    h('option', { value: TYPES.GRP_MEETING, text: 'Meeting group' }),
    h('option', { value: TYPES.GRP_WORK, text: 'Work group (invitation only)' }),
  );
  const topics = h('input', { class: 'ch-input', 'data-community': 'create-topics', value: 'general', autocomplete: 'off' });
  const approval = h('input', { type: 'checkbox', 'data-community': 'create-approval' });
  const topicsField = field('Topics', topics, 'Comma-separated; more can be added later.');
  const approvalField = h('label', { class: 'cm-check' }, approval, h('span', { text: 'Joining needs approval by the owner or an admin' }));
  const sync = () => {
    topicsField.hidden = kind.value !== 'topics';
    approvalField.hidden = kind.value === TYPES.GRP_WORK;
  };
  kind.addEventListener('change', sync);
  sync();
  const dialog = modal('Create a server', 'create', [
    field('Name', name),
    field('Kind', kind),
    topicsField,
    approvalField,
    field('Server ID', id, 'Optional. Others join with it.'),
  ], 'Create', async (close) => {
    const withTopics = kind.value === 'topics';
    await onCreate({
      name: name.value.trim(),
      groupID: id.value.trim(),
      type: withTopics ? TYPES.GRP_COMMUNITY : kind.value,
      topics: withTopics,
      approval: approval.checked && kind.value !== TYPES.GRP_WORK,
      topicNames: withTopics ? topics.value.split(',').map((t) => t.trim()).filter(Boolean) : [],
    }, close);
  });
  name.focus();
  return dialog;
}

/**
 * @param {(groupID: string, note: string, close: () => void) => Promise<void>} onJoin
 */
export function joinDialog(onJoin) {
  const id = h('input', { class: 'ch-input', 'data-community': 'join-id', required: true, autocomplete: 'off', spellcheck: false });
  const note = h('input', { class: 'ch-input', 'data-community': 'join-note', maxlength: 100, autocomplete: 'off' });
  const dialog = modal('Join a server', 'join', [
    field('Server ID', id, 'Ask someone in it for its ID.'),
    field('A note for the owner', note, 'Optional; shown when joining needs approval.'),
  ], 'Join', (close) => onJoin(id.value.trim(), note.value.trim(), close));
  id.focus();
  return dialog;
}

/**
 * @param {string} serverName
 * @param {(name: string, introduction: string, close: () => void) => Promise<void>} onCreate
 */
export function topicDialog(serverName, onCreate) {
  const name = h('input', { class: 'ch-input', 'data-community': 'topic-name', required: true, maxlength: 30, autocomplete: 'off' });
  const intro = h('input', { class: 'ch-input', 'data-community': 'topic-intro', maxlength: 200, autocomplete: 'off' });
  const dialog = modal(`New topic in ${serverName}`, 'topic', [
    field('Topic name', name),
    field('What it is about', intro, 'Optional.'),
  ], 'Create topic', (close) => onCreate(name.value.trim(), intro.value.trim(), close));
  name.focus();
  return dialog;
}
