// The room-state banner: Upcoming / Live / Paused / Ended / Replay (data-state), and the
// connection line shown while the connection is being restored.
import { h } from './dom.js';

/** @type {Record<string, string>} */
export const STATE_LABELS = {
  Upcoming: 'Upcoming',
  Live: 'Live',
  Paused: 'Paused',
  Ended: 'Ended',
  Replay: 'Replay',
};

export function createStateBanner() {
  const root = h('span', { class: 'lr-pill lr-state', 'data-lr': 'state-banner', 'data-state': 'Upcoming', role: 'status' }, STATE_LABELS.Upcoming);
  let state = 'Upcoming';
  return {
    el: root,
    /** @param {{state: string, session?: number, since?: number} | null} liveState */
    set(liveState) {
      state = liveState && STATE_LABELS[liveState.state] ? liveState.state : 'Upcoming';
      root.setAttribute('data-state', state);
      root.textContent = STATE_LABELS[state];
      if (liveState && liveState.since) {
        root.title = `${STATE_LABELS[state]} since ${new Date(liveState.since * 1000).toLocaleString()}`;
      }
    },
    get state() {
      return state;
    },
    destroy() {
      root.remove();
    },
  };
}

/** The connection line ("Reconnecting…"); hidden while all is well. */
export function createNetLine() {
  const root = h('div', { class: 'lr-net', role: 'status', hidden: true, 'data-lr': 'net' });
  return {
    el: root,
    /**
     * @param {string} text
     * @param {'info'|'error'} [kind]
     */
    set(text, kind = 'info') {
      root.textContent = text || '';
      root.dataset.kind = kind;
      root.hidden = !text;
    },
    destroy() {
      root.remove();
    },
  };
}
