// Broadcast a text message to every live room of the app
// (group_open_http_svc/send_broadcast_msg, from the admin account).
import { randomU32 } from './api.js';
import { attempt, toast } from './feedback.js';
import { busy, h } from '../shared/dom.js';

/** @typedef {import('./api.js').RestClient} RestClient */

/**
 * The broadcast panel.
 * @returns {{element: HTMLElement, load: (rest: RestClient) => Promise<void>, reset: () => void}}
 */
export function broadcastPanel() {
  /** The app picked last, where Send goes (null while none is). @type {RestClient|null} */
  let client = null;
  const text = h('textarea', { class: 'ad-input', rows: 3, 'data-admin': 'broadcast-text', placeholder: 'Maintenance at 02:00 — thanks for watching!' });
  const send = h('button', { type: 'button', class: 'ad-btn ad-btn-primary', 'data-admin': 'broadcast-send', text: 'Send to all rooms' });
  const result = h('div', { class: 'ad-result', 'data-admin': 'broadcast-result', 'aria-live': 'polite' });
  const from = h('span', { class: 'ad-muted' });

  send.addEventListener('click', () => {
    const msg = text.value.trim();
    if (!client || !msg) {
      text.focus();
      return;
    }
    const rest = client;
    busy(send, async () => {
      await attempt('Broadcasting', async () => {
        const { Identifier } = await rest.identity();
        const res = await rest.call('group_open_http_svc', 'send_broadcast_msg', {
          From_Account: Identifier,
          Random: randomU32(),
          MsgBody: [{ MsgType: 'TIMTextElem', MsgContent: { Text: msg } }],
        });
        toast('Broadcast sent');
        if (client !== rest) return; // another app was picked meanwhile: its panel stays as it is
        result.replaceChildren(
          h('span', { class: 'ad-ok', text: 'Sent' }),
          ' MsgSeq ',
          h('code', { 'data-admin': 'broadcast-seq', text: String(res.MsgSeq) }),
          res.MsgTime ? ` at ${new Date(Number(res.MsgTime) * 1000).toLocaleTimeString()}` : '',
        );
      });
    });
  });

  const element = h('section', { class: 'ad-card', id: 'broadcast' },
    h('header', { class: 'ad-card-head' },
      h('div', {}, h('h2', { text: 'Broadcast' }), h('span', { class: 'ad-muted', text: 'A High-priority text message to every live room of the app that has viewers now.' })),
    ),
    text,
    h('div', { class: 'ad-row' }, send, from, result),
  );

  return {
    element,
    reset() {
      client = null;
      result.replaceChildren();
      from.textContent = '';
    },
    async load(rest) {
      client = rest;
      result.replaceChildren();
      const id = await rest.identity().catch(() => null);
      if (client === rest) from.textContent = id ? `From ${id.Identifier}` : '';
    },
  };
}
