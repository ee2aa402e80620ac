// The profile panel: this user's nick, avatar URL and self signature, saved with
// updateMyProfile (the user's friends and conversation peers see the change at once).
import { busy, h } from '../shared/dom.js';

/** @typedef {import('../../../sdk/js/liveroom.js').Chat} Chat */
/** @typedef {import('../../../sdk/js/liveroom.js').Profile} Profile */
/** @typedef {import('./people.js').People} People */

/**
 * @param {string} text
 * @param {HTMLElement} control
 * @param {string} [hint]
 */
function profileField(text, control, hint) {
  return h('label', { class: 'ch-field' },
    h('span', { class: 'ch-label', text }),
    control,
    hint ? h('span', { class: 'ch-hint', text: hint }) : null,
  );
}

/**
 * @param {{chat: Chat, me: string, people: People, onSaved: (p: Profile) => void, onClose: () => void, showError: (err: unknown, what: string) => void, toast: (text: string) => void}} options
 * @returns {HTMLElement}
 */
export function profilePanel({ chat, me, people, onSaved, onClose, showError, toast }) {
  const current = people.profile(me);
  const nick = h('input', { class: 'ch-input', 'data-chat': 'profile-nick', value: current?.nick || '', maxLength: 100, autocomplete: 'nickname', spellcheck: false });
  const avatar = h('input', { class: 'ch-input', 'data-chat': 'profile-avatar', value: current?.avatar || '', type: 'url', placeholder: 'https://…', spellcheck: false });
  const signature = h('textarea', { class: 'ch-input', 'data-chat': 'profile-signature', rows: 3, value: current?.selfSignature || '' });
  const save = h('button', { type: 'submit', class: 'ch-btn ch-btn-primary', 'data-chat': 'profile-save', text: 'Save' });
  const close = h('button', { type: 'button', class: 'ch-btn ch-btn-ghost', 'data-chat': 'profile-close', text: 'Close', onclick: onClose });
  const form = h('form', { class: 'ch-form' },
    profileField('Nickname', nick, 'What other users see instead of your user ID.'),
    profileField('Avatar URL', avatar, 'An http(s) address of an image; empty for your initial.'),
    profileField('About you', signature),
    h('div', { class: 'ch-form-actions' }, save, close),
  );
  // The profile as the server has it now, unless the user started typing.
  let edited = false;
  form.addEventListener('input', () => {
    edited = true;
  });
  chat.getUserProfile({ userIDList: [me] })
    .then((res) => {
      const p = res.data[0];
      if (!p || edited) return;
      people.known(p);
      nick.value = p.nick;
      avatar.value = p.avatar;
      signature.value = p.selfSignature;
    })
    .catch((err) => showError(err, 'Reading your profile'));
  form.addEventListener('submit', (ev) => {
    ev.preventDefault();
    busy(save, async () => {
      try {
        const res = await chat.updateMyProfile({
          nick: nick.value.trim(),
          avatar: avatar.value.trim(),
          selfSignature: signature.value.trim(),
        });
        onSaved(res.data);
        toast('Profile saved');
      } catch (err) {
        showError(err, 'Saving the profile');
      }
    });
  });
  return h('section', { class: 'ch-profile', 'data-chat': 'profile-panel' },
    h('header', { class: 'ch-thread-head' },
      people.avatar(me),
      h('div', { class: 'ch-thread-title' },
        h('strong', { text: 'Your profile' }),
        h('span', { class: 'ch-muted ch-mono', text: me }),
      ),
    ),
    h('div', { class: 'ch-profile-body' }, form),
  );
}
