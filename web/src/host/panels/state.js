// Live-state controls: go live, pause, end (after a confirmation), replay, a new session
// after the end; the mute-all switch. chat.setLiveState / chat.muteAll.
import LiveRoom from '../../../../sdk/js/liveroom.js';
import { busy, formatTime, h } from '../../shared/dom.js';
import { attempt, toast } from '../feedback.js';
import { card } from './card.js';

/** Legal moves within a session (docs/live-room.md#transitions). */
const MOVES = /** @type {Record<string, string[]>} */ ({
  Upcoming: ['Live', 'Ended'],
  Live: ['Paused', 'Ended'],
  Paused: ['Live', 'Ended'],
  Ended: ['Replay'],
  Replay: ['Ended'],
});

/** @param {import('./card.js').PanelContext} ctx */
export function statePanel({ chat, groupID, room }) {
  const badge = h('span', { class: 'hp-state', 'data-host': 'state', text: '…' });
  const since = h('span', { class: 'hp-muted' });
  /** The room's live state is known (joined, or told by an event); until then nothing is offered. */
  let known = false;
  /** A mute-all request is out: the switch shows what was asked until it settles. */
  let muting = false;

  /** @type {Record<string, HTMLButtonElement>} */
  const buttons = {};
  /**
   * @param {string} state
   * @param {string} label
   * @param {string} cls
   * @param {boolean} [newSession]
   */
  function button(state, label, cls, newSession = false) {
    const key = newSession ? 'new-session' : `state-${state}`;
    const b = h('button', { type: 'button', class: `hp-btn hp-state-btn ${cls}`, 'data-host': key, text: label, disabled: true });
    const move = () => busy(b, async () => {
      await attempt(newSession ? 'Starting a new session' : `Moving to ${state}`, async () => {
        const res = await chat.setLiveState(groupID, state, newSession ? { newSession: true } : {});
        room.set({ liveState: res.data.liveState });
        toast(newSession ? `Session ${res.data.liveState.session} is live` : `Now ${res.data.liveState.state}`);
      });
    }).finally(() => {
      b.disabled = !known;
    });
    // Ending cannot be taken back (the session is over for every viewer): ask first.
    b.addEventListener('click', () => (state === LiveRoom.TYPES.LIVE_STATE_ENDED && !newSession ? askToEnd(move) : move()));
    buttons[key] = b;
    return b;
  }

  const confirmEnd = h('button', { type: 'button', class: 'hp-btn hp-btn-danger', 'data-host': 'end-confirm', text: 'End the live' });
  const cancelEnd = h('button', { type: 'button', class: 'hp-btn hp-btn-ghost', 'data-host': 'end-cancel', text: 'Keep going' });
  const endQuestion = h('div', { class: 'hp-confirm', 'data-host': 'end-question', role: 'alertdialog', 'aria-label': 'End the live?', hidden: true },
    h('span', { class: 'hp-confirm-text' },
      h('strong', { text: 'End the live for everyone?' }),
      h('span', { class: 'hp-hint', text: 'Viewers see that it has ended; a new broadcast is a new session.' }),
    ),
    h('span', { class: 'hp-row hp-row-tight' }, cancelEnd, confirmEnd),
  );
  /** @type {(() => void) | null} */
  let onConfirm = null;
  /** @param {() => void} move */
  function askToEnd(move) {
    onConfirm = move;
    endQuestion.hidden = false;
    cancelEnd.focus();
  }
  function closeQuestion() {
    onConfirm = null;
    endQuestion.hidden = true;
  }
  confirmEnd.addEventListener('click', () => {
    const move = onConfirm;
    closeQuestion();
    move?.();
  });
  cancelEnd.addEventListener('click', closeQuestion);
  endQuestion.addEventListener('keydown', (ev) => {
    if (ev.key === 'Escape') closeQuestion();
  });

  const controls = h('div', { class: 'hp-state-grid' },
    button(LiveRoom.TYPES.LIVE_STATE_LIVE, 'Go live', 'hp-btn-live'),
    button(LiveRoom.TYPES.LIVE_STATE_PAUSED, 'Pause', ''),
    button(LiveRoom.TYPES.LIVE_STATE_ENDED, 'End live', 'hp-btn-danger'),
    button(LiveRoom.TYPES.LIVE_STATE_REPLAY, 'Show replay', ''),
    button(LiveRoom.TYPES.LIVE_STATE_LIVE, 'New session', 'hp-btn-live', true),
  );

  const muteAll = h('input', { type: 'checkbox', 'data-host': 'mute-all', role: 'switch', disabled: true });
  muteAll.addEventListener('change', async () => {
    const on = muteAll.checked;
    muting = true;
    muteAll.disabled = true;
    await attempt(on ? 'Muting everyone' : 'Unmuting everyone', async () => {
      await chat.muteAll(groupID, on);
      room.set({ muteAll: on });
      toast(on ? 'Only you and the admins can write now' : 'Everyone can write again');
    });
    muting = false;
    muteAll.disabled = !room.get().joined;
    muteAll.checked = room.get().muteAll;
  });

  room.subscribe((s) => {
    // Before the join answers, the room's state is not known: "Upcoming" would be a guess.
    known = s.joined || s.liveState !== null;
    const st = !known ? 'Unknown' : s.liveState ? s.liveState.state : 'Upcoming';
    badge.textContent = known ? st : '…';
    badge.dataset.state = st;
    badge.title = known ? '' : 'Waiting for the room to answer';
    since.textContent = s.liveState ? `Session ${s.liveState.session}${s.liveState.since ? ` · since ${formatTime(s.liveState.since)}` : ''}` : '';
    const allowed = known ? MOVES[st] || [] : [];
    for (const [key, b] of Object.entries(buttons)) {
      const ok = known && (key === 'new-session' ? st === 'Ended' || st === 'Replay' : allowed.includes(key.slice(6)));
      b.dataset.allowed = String(ok);
      if (!b.classList.contains('is-busy')) b.disabled = !known;
    }
    buttons['state-Live'].textContent = st === 'Paused' ? 'Resume' : 'Go live';
    if (!allowed.includes(LiveRoom.TYPES.LIVE_STATE_ENDED)) closeQuestion();
    // The switch follows the room (other admins too), except while this page's own request is out.
    if (!muting) {
      muteAll.checked = s.muteAll;
      muteAll.disabled = !s.joined;
    }
  });

  return card('Broadcast', { id: 'live', subtitle: since, aside: badge },
    controls,
    endQuestion,
    h('label', { class: 'hp-switch-row' },
      h('span', {}, h('strong', { text: 'Mute everyone' }), h('span', { class: 'hp-hint', text: 'Only you and the room\'s admins can write.' })),
      h('span', { class: 'hp-switch' }, muteAll, h('span', { class: 'hp-switch-track', 'aria-hidden': 'true' })),
    ),
  );
}
