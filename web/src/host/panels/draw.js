// Lucky draw: chat.startDraw(groupID, {keyword, duration, winners}); the running draw's
// countdown and the last result (from DRAW_STARTED / DRAW_RESULT).
import { busy, h, replace } from '../../shared/dom.js';
import { attempt, toast } from '../feedback.js';
import { label } from '../login.js';
import { card } from './card.js';

/** @param {import('./card.js').PanelContext} ctx */
export function drawPanel({ chat, groupID, room }) {
  const keyword = h('input', { class: 'hp-input', 'data-host': 'draw-keyword', placeholder: '666', value: '' });
  const duration = h('input', { class: 'hp-input', type: 'number', min: 1, max: 3600, value: '60', 'data-host': 'draw-duration' });
  const winners = h('input', { class: 'hp-input', type: 'number', min: 1, max: 100, value: '1', 'data-host': 'draw-winners' });
  const start = h('button', { type: 'button', class: 'hp-btn hp-btn-primary', 'data-host': 'draw-start', text: 'Start draw' });
  const status = h('div', { class: 'hp-draw-status', 'data-host': 'draw-status' });

  start.addEventListener('click', () => busy(start, async () => {
    await attempt('Starting the draw', async () => {
      const opts = { keyword: keyword.value.trim(), duration: Number(duration.value), winners: Number(winners.value) || 1 };
      const res = await chat.startDraw(groupID, opts);
      const s = room.get();
      if (!s.draw || s.draw.drawID !== res.data.drawID) {
        room.set({ draw: { drawID: res.data.drawID, keyword: opts.keyword, duration: opts.duration, winners: opts.winners, endsAt: Date.now() + opts.duration * 1000 } });
      }
      toast(`Draw started: viewers comment "${opts.keyword}"`);
    });
  }));

  /** @type {ReturnType<typeof setInterval>|null} */
  let timer = null;
  function render() {
    if (timer && !status.isConnected) {
      clearInterval(timer);
      timer = null;
      return;
    }
    const s = room.get();
    if (s.draw) {
      const left = Math.max(0, Math.ceil((s.draw.endsAt - Date.now()) / 1000));
      replace(status,
        h('div', { class: 'hp-draw-running' },
          h('span', { class: 'hp-live-dot', 'aria-hidden': 'true' }),
          'Running: comment ', h('strong', { text: `"${s.draw.keyword}"` }),
          ` · ${s.draw.winners} winner${s.draw.winners === 1 ? '' : 's'} · `,
          h('span', { class: 'hp-countdown', text: left > 0 ? `${left}s left` : 'drawing…' }),
        ),
      );
      if (!timer) timer = setInterval(render, 500);
      return;
    }
    if (timer) {
      clearInterval(timer);
      timer = null;
    }
    const r = s.drawResult;
    if (!r) {
      replace(status, h('span', { class: 'hp-muted', text: 'No draw yet in this visit.' }));
      return;
    }
    replace(status,
      h('div', { class: 'hp-draw-result', 'data-host': 'draw-result' },
        h('div', {}, 'Last draw ', h('strong', { text: `"${r.keyword}"` }), ` · ${r.entrants} entrant${r.entrants === 1 ? '' : 's'}`),
        r.winners.length
          ? h('div', { class: 'hp-winners' }, r.winners.map((w) => h('span', { class: 'hp-winner', text: w })))
          : h('div', { class: 'hp-muted', text: 'Nobody entered: no winner.' }),
        h('div', { class: 'hp-hint hp-mono', title: 'Audit: the winners follow from the sorted entrants and this seed', text: `seed ${r.seed}` }),
      ),
    );
  }
  room.subscribe(render);

  return card('Lucky draw', { id: 'draw', subtitle: 'Viewers enter by commenting the keyword.' },
    h('div', { class: 'hp-grid-3' }, label('Keyword', keyword), label('Duration (s)', duration), label('Winners', winners)),
    h('div', { class: 'hp-row' }, start),
    status,
  );
}
