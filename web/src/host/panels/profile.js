// The room notice and the stream URL: chat.modifyGroup(groupID, {notification}) and
// chat.modifyGroup(groupID, {custom: {StreamUrl}}).
import { busy, h } from '../../shared/dom.js';
import { attempt, toast } from '../feedback.js';
import { label } from '../login.js';
import { card } from './card.js';

/**
 * Keeps a field in step with the room unless the host is editing it.
 * @param {HTMLInputElement|HTMLTextAreaElement} input
 */
function follower(input) {
  let dirty = false;
  input.addEventListener('input', () => {
    dirty = true;
  });
  return {
    /** @param {string} value */
    update(value) {
      if (!dirty && document.activeElement !== input) input.value = value;
    },
    saved() {
      dirty = false;
    },
  };
}

/** @param {import('./card.js').PanelContext} ctx */
export function noticePanel({ chat, groupID, room }) {
  const input = h('textarea', { class: 'hp-input', rows: 3, 'data-host': 'notice-input', placeholder: 'Sale at 8 pm — everything 20% off' });
  const save = h('button', { type: 'button', class: 'hp-btn hp-btn-primary', 'data-host': 'notice-save', text: 'Update notice' });
  const current = h('div', { class: 'hp-current', 'data-host': 'notice-current' });
  const f = follower(input);
  save.addEventListener('click', () => busy(save, async () => {
    await attempt('Updating the notice', async () => {
      await chat.modifyGroup(groupID, { notification: input.value });
      room.set({ notification: input.value });
      f.saved();
      toast('Notice updated');
    });
  }));
  room.subscribe((s) => {
    f.update(s.notification);
    current.textContent = s.notification ? `Viewers see: ${s.notification}` : 'No notice.';
  });
  return card('Room notice', { id: 'notice', subtitle: 'Pinned at the top of the chat for every viewer.' },
    input, h('div', { class: 'hp-row' }, save), current);
}

/** @param {import('./card.js').PanelContext} ctx */
export function streamPanel({ chat, groupID, room }) {
  const input = h('input', { class: 'hp-input hp-mono', type: 'url', 'data-host': 'stream-url', placeholder: 'https://cdn.example.com/live/stream.m3u8', spellcheck: false });
  const save = h('button', { type: 'button', class: 'hp-btn hp-btn-primary', 'data-host': 'stream-save', text: 'Save' });
  const f = follower(input);
  save.addEventListener('click', () => busy(save, async () => {
    await attempt('Saving the stream URL', async () => {
      const url = input.value.trim();
      await chat.modifyGroup(groupID, { custom: { StreamUrl: url } });
      room.set({ streamUrl: url });
      f.saved();
      toast(url ? 'Stream URL saved: viewers switch to it' : 'Stream URL removed');
    });
  }));
  room.subscribe((s) => f.update(s.streamUrl));
  return card('Stream', { id: 'stream', subtitle: 'The HLS playlist viewers play (room field StreamUrl).' },
    label('HLS URL (.m3u8)', h('div', { class: 'hp-row hp-row-tight' }, input, save)));
}
