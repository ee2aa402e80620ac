// The selected server's side: its name, its channels (the group's own conversation, and a
// community's topics) with unread badges and an "@" where a message mentions the user, what
// its owner and admins do (answer requests to join, create a topic), and the requests this
// user sent that wait for approval.
import LiveRoom from '../../../sdk/js/liveroom.js';
import { busy, h, replace } from '../shared/dom.js';
import { count } from './text.js';

/** @typedef {import('../../../sdk/js/liveroom.js').GroupApplication} GroupApplication */

const { TYPES } = LiveRoom;

/**
 * A channel as the side shows it.
 * @typedef {Object} ChannelItem
 * @property {string} id the thread: the group's ID, or a topic's
 * @property {string} name
 * @property {string} hint what the channel is about
 * @property {number} unread
 * @property {boolean} mention
 * @property {boolean} muted only the owner and admins may write
 */

/**
 * What the side shows of the selected server.
 * @typedef {Object} SideState
 * @property {{groupID: string, name: string, kind: string, role: string, hasTopics: boolean}|null} server
 * @property {ChannelItem[]} channels
 * @property {string} selected the open channel's ID
 * @property {GroupApplication[]} requests requests to join the server (its owner and admins)
 * @property {string[]} pending servers this user asked to join
 */

/**
 * @typedef {Object} ChannelSide
 * @property {HTMLElement} element
 * @property {(state: SideState) => void} render
 */

/**
 * @param {{onSelect: (id: string) => void, onCreateTopic: () => void, onAnswer: (a: GroupApplication, accept: boolean) => Promise<void>, onLeave: () => void}} options
 * @returns {ChannelSide}
 */
export function channelSide({ onSelect, onCreateTopic, onAnswer, onLeave }) {
  const head = h('header', { class: 'cm-side-head' });
  const channels = h('ul', { class: 'cm-channels', 'data-community': 'channels', role: 'list' });
  const admin = h('section', { class: 'cm-side-section', 'data-community': 'admin', 'aria-label': 'Requests to join' });
  const pending = h('section', { class: 'cm-side-section', 'data-community': 'pending-list', 'aria-label': 'Requests you sent' });
  const element = h('aside', { class: 'cm-side' },
    head,
    h('nav', { class: 'cm-side-body', 'aria-label': 'Channels' }, channels, admin),
    pending,
  );

  /** @param {SideState} s */
  function render(s) {
    const server = s.server;
    if (!server) {
      replace(head, h('div', { class: 'cm-side-title' }, h('strong', { text: 'No server open' }), h('span', { class: 'ch-muted', text: 'Create one, or join one by its ID.' })));
      replace(channels);
      replace(admin);
    } else {
      const runs = server.role === TYPES.GRP_MBR_ROLE_OWNER || server.role === TYPES.GRP_MBR_ROLE_ADMIN;
      replace(head,
        h('div', { class: 'cm-side-title' },
          h('strong', { 'data-community': 'server-name', text: server.name }),
          h('span', { class: 'ch-muted cm-side-kind', text: `${server.kind} · ${server.groupID}` }),
        ),
        server.role === TYPES.GRP_MBR_ROLE_OWNER
          ? null
          : h('button', { type: 'button', class: 'ch-btn ch-btn-small ch-btn-ghost', 'data-community': 'leave', text: 'Leave', onclick: onLeave }),
      );
      replace(channels,
        h('li', { class: 'cm-channels-title' },
          h('span', { text: server.hasTopics ? 'Topics' : 'Channels' }),
          runs && server.hasTopics
            ? h('button', { type: 'button', class: 'cm-icon-btn', 'data-community': 'topic-open', 'aria-label': 'Create a topic', title: 'Create a topic', text: '+', onclick: onCreateTopic })
            : null,
        ),
        s.channels.map((c) => {
          const on = c.id === s.selected;
          const label = [`# ${c.name}`, c.unread > 0 ? `${c.unread} unread` : '', c.mention ? 'mentions you' : ''].filter(Boolean).join(', ');
          return h('li', {},
            h('button', {
              type: 'button',
              class: `cm-channel${on ? ' is-on' : ''}${c.unread > 0 ? ' is-unread' : ''}`,
              'data-community': 'channel',
              'data-channel': c.id,
              'data-name': c.name,
              'aria-label': label,
              'aria-current': on ? 'page' : undefined,
              title: c.hint || c.name,
              onclick: () => onSelect(c.id),
            },
            h('span', { class: 'cm-hash', 'aria-hidden': 'true', text: c.muted ? '🔒' : '#' }),
            h('span', { class: 'cm-channel-name', text: c.name }),
            c.mention ? h('span', { class: 'cm-at', 'data-community': 'channel-at', 'aria-hidden': 'true', text: '@' }) : null,
            c.unread > 0 ? h('span', { class: 'cm-badge', 'data-community': 'channel-unread', 'aria-hidden': 'true', text: count(c.unread) }) : null,
            ),
          );
        }),
      );
      if (runs) {
        replace(admin,
          h('h2', { class: 'cm-section-title' }, 'Requests to join', s.requests.length > 0 ? h('span', { class: 'cm-badge', 'data-community': 'requests-count', text: String(s.requests.length) }) : null),
          s.requests.length === 0
            ? h('p', { class: 'cm-empty-note', text: 'No one is waiting.' })
            : h('ul', { class: 'cm-requests', role: 'list' }, s.requests.map((a) => {
              const accept = h('button', { type: 'button', class: 'ch-btn ch-btn-small ch-btn-primary', 'data-community': 'request-accept', text: 'Accept' });
              const decline = h('button', { type: 'button', class: 'ch-btn ch-btn-small ch-btn-ghost', 'data-community': 'request-decline', text: 'Decline' });
              accept.addEventListener('click', () => busy(accept, () => onAnswer(a, true)));
              decline.addEventListener('click', () => busy(decline, () => onAnswer(a, false)));
              const what = a.applicationType === TYPES.GRP_APPLICATION_TYPE_INVITE ? `invited by ${a.inviterID}` : 'asks to join';
              return h('li', { class: 'cm-request', 'data-community': 'request', 'data-user': a.applicant },
                h('div', { class: 'cm-request-text' },
                  h('strong', { text: a.applicant }),
                  h('span', { class: 'ch-muted', text: ` ${what}` }),
                  a.messageForCheck ? h('q', { class: 'cm-request-note', text: a.messageForCheck }) : null,
                ),
                h('div', { class: 'cm-request-actions' }, accept, decline),
              );
            })),
        );
      } else {
        replace(admin);
      }
    }
    replace(pending,
      s.pending.length === 0
        ? null
        : [
          h('h2', { class: 'cm-section-title', text: 'Requests you sent' }),
          h('ul', { class: 'cm-requests', role: 'list' }, s.pending.map((groupID) => h('li', { class: 'cm-request', 'data-community': 'pending-item', 'data-group': groupID },
            h('div', { class: 'cm-request-text' }, h('strong', { text: groupID }), h('span', { class: 'cm-waiting', text: 'waiting for approval' })),
          ))),
        ],
    );
  }

  return { element, render };
}
