// Moderation: mute, ban, unban (chat.mute / chat.ban / chat.unban), from the chat list's
// message actions or by account id. The durations chosen here apply to both. A message's
// actions also delete it (chat.recallMessage): it leaves every viewer's screen.
import LiveRoom from '../../../../sdk/js/liveroom.js';
import { busy, h } from '../../shared/dom.js';
import { attempt, toast } from '../feedback.js';
import { label } from '../login.js';
import { card } from './card.js';

const MUTE_CHOICES = [[60, '1 minute'], [600, '10 minutes'], [3600, '1 hour'], [86400, '1 day'], [LiveRoom.TYPES.MUTE_PERMANENT, 'for good']];
const BAN_CHOICES = [[600, '10 minutes'], [3600, '1 hour'], [86400, '1 day'], [604800, '7 days'], [LiveRoom.TYPES.MUTE_PERMANENT, 'for good']];

/** @param {Array<(string|number)[]>} choices @param {number} selected @param {string} dataHost */
function durationSelect(choices, selected, dataHost) {
  const s = h('select', { class: 'hp-input hp-select', 'data-host': dataHost },
    choices.map(([v, t]) => h('option', { value: String(v), text: String(t) })));
  s.value = String(selected);
  return s;
}

/**
 * The moderation card and the message actions the live room shows on a clicked message.
 * @param {import('./card.js').PanelContext} ctx
 */
export function moderationPanel({ chat, groupID }) {
  const muteFor = durationSelect(MUTE_CHOICES, 600, 'mute-duration');
  const banFor = durationSelect(BAN_CHOICES, 3600, 'ban-duration');
  const user = h('input', { class: 'hp-input hp-mono', 'data-host': 'mod-user', placeholder: 'user id', spellcheck: false, autocomplete: 'off' });

  const choiceText = (/** @type {HTMLSelectElement} */ s) => s.options[s.selectedIndex]?.text || '';

  /** @param {'mute'|'unmute'|'ban'|'unban'} action @param {string} userID */
  async function act(action, userID) {
    if (!userID) return;
    const labels = { mute: 'Muting', unmute: 'Unmuting', ban: 'Banning', unban: 'Unbanning' };
    await attempt(`${labels[action]} ${userID}`, async () => {
      if (action === 'mute') await chat.mute(groupID, userID, Number(muteFor.value));
      else if (action === 'unmute') await chat.mute(groupID, userID, 0);
      else if (action === 'ban') await chat.ban(groupID, userID, Number(banFor.value));
      else await chat.unban(groupID, userID);
      const done = {
        mute: `${userID} muted ${choiceText(muteFor) === 'for good' ? 'for good' : `for ${choiceText(muteFor)}`}`,
        unmute: `${userID} can write again`,
        ban: `${userID} banned ${choiceText(banFor) === 'for good' ? 'for good' : `for ${choiceText(banFor)}`}`,
        unban: `${userID} may come back`,
      };
      toast(done[action]);
    });
  }

  /** @param {'mute'|'unmute'|'ban'|'unban'} action @param {string} text @param {string} cls */
  const button = (action, text, cls) => {
    const b = h('button', { type: 'button', class: `hp-btn ${cls}`, 'data-host': `mod-${action}`, text });
    b.addEventListener('click', () => busy(b, () => act(action, user.value.trim())));
    return b;
  };

  /** @param {any} message @returns {string} */
  const sender = (message) => String(message?.from ?? message?.userID ?? '');

  /** A message from someone else (not this host, not a guest or the system). @param {any} m */
  const other = (m) => {
    const from = sender(m);
    return Boolean(from) && from !== chat.getLoginUser();
  };
  const span = (/** @type {HTMLSelectElement} */ s) => (choiceText(s) === 'for good' ? 'for good' : choiceText(s));

  /** A room message the server numbered (not a gift's stand-in, a tip or an unsent one). @param {any} m */
  const numbered = (m) => Boolean(m) && m.to === groupID && Number.isInteger(m.sequence) && m.sequence > 0;

  /** @param {any} m */
  async function remove(m) {
    const from = sender(m);
    await attempt(`Deleting ${from ? `${from}'s` : 'the'} message`, async () => {
      await chat.recallMessage(groupID, m.sequence);
      toast('Message deleted for everyone');
    });
  }

  /** Actions for the live room's chat list (buttons data-action="delete|mute|ban|unban"); the labels follow the chosen durations. */
  const messageActions = [
    { id: 'delete', label: 'Delete', when: numbered, onClick: remove },
    { id: 'mute', get label() { return `Mute ${span(muteFor)}`; }, when: other, onClick: (/** @type {any} */ m) => act('mute', sender(m)) },
    { id: 'ban', get label() { return `Ban ${span(banFor)}`; }, when: other, onClick: (/** @type {any} */ m) => act('ban', sender(m)) },
    { id: 'unban', label: 'Unban', when: other, onClick: (/** @type {any} */ m) => act('unban', sender(m)) },
  ];

  const element = card('Moderation', { id: 'moderation', subtitle: 'Click a message in the chat to delete it or to mute, ban or unban its sender, or name an account here.' },
    h('div', { class: 'hp-grid-2' }, label('Mute for', muteFor), label('Ban for', banFor)),
    label('Account', user),
    h('div', { class: 'hp-row' },
      button('mute', 'Mute', ''), button('unmute', 'Unmute', ''),
      button('ban', 'Ban', 'hp-btn-danger'), button('unban', 'Unban', ''),
    ),
  );
  return { element, messageActions };
}
