// The end card: once the live has ended, a card over the stage (the component's video or the
// page's own player) says so, with the anchor, instead of leaving the last picture up.
import { avatar, h } from './dom.js';

export function createEndCard() {
  let face = avatar('', '?');
  const when = h('div', { class: 'lr-ph-sub lr-end-when' });
  const root = h('div', { class: 'lr-video-cover lr-end-card', 'data-lr': 'end-card', role: 'status', hidden: true },
    face,
    h('div', { class: 'lr-ph-title', text: 'The live has ended' }),
    h('div', { class: 'lr-ph-sub', text: 'Thanks for watching! The chat stays open.' }),
    when,
  );
  return {
    el: root,
    /** @param {{state: string, session?: number, since?: number} | null} liveState */
    set(liveState) {
      const ended = !!liveState && liveState.state === 'Ended';
      root.hidden = !ended;
      when.textContent = ended && liveState.since
        ? `Ended at ${new Date(liveState.since * 1000).toLocaleTimeString([], { hour: '2-digit', minute: '2-digit' })}`
        : '';
    },
    /** @param {{name: string, avatar: string}} anchor */
    setAnchor(anchor) {
      const next = avatar(anchor.avatar || '', anchor.name || '?');
      root.replaceChild(next, face);
      face = next;
    },
    destroy() {
      root.remove();
    },
  };
}
