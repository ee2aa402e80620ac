// The selected server's members: owner and admins first, then the others, each with their
// avatar and online dot; read a page at a time. The composer's mention picker draws on it.
import LiveRoom from '../../../sdk/js/liveroom.js';
import { h, replace } from '../shared/dom.js';

/** @typedef {import('../../../sdk/js/liveroom.js').Chat} Chat */
/** @typedef {import('../../../sdk/js/liveroom.js').GroupMember} GroupMember */
/** @typedef {import('../chat/people.js').People} People */

const { TYPES } = LiveRoom;

/** Members per page. */
const PAGE = 100;

const RANK = { [TYPES.GRP_MBR_ROLE_OWNER]: 0, [TYPES.GRP_MBR_ROLE_ADMIN]: 1, [TYPES.GRP_MBR_ROLE_MEMBER]: 2 };

/**
 * @typedef {Object} MemberList
 * @property {HTMLElement} element
 * @property {() => GroupMember[]} members those read so far
 * @property {(userID: string) => string} name a member's name in the group (name card, nick, ID)
 * @property {() => Promise<void>} reload
 * @property {() => void} repaint profiles or statuses changed
 * @property {() => void} destroy
 */

/**
 * @param {{chat: Chat, me: string, groupID: string, people: People, showError: (err: unknown, what: string) => void}} options
 * @returns {MemberList}
 */
export function memberList({ chat, me, groupID, people, showError }) {
  /** @type {GroupMember[]} */
  let members = [];
  let total = 0;
  let next = '';
  let ended = false;
  let generation = 0;

  const title = h('h2', { class: 'cm-section-title', 'data-community': 'members-title', text: 'Members' });
  const list = h('ul', { class: 'cm-members', 'data-community': 'members', role: 'list' });
  const more = h('button', { type: 'button', class: 'ch-btn ch-btn-small ch-btn-ghost', 'data-community': 'members-more', hidden: true, text: 'More members' });
  const element = h('aside', { class: 'cm-members-pane', 'aria-label': 'Members' }, title, list, more);

  /** @param {string} userID */
  function name(userID) {
    const m = members.find((x) => x.userID === userID);
    if (m && m.nameCard) return m.nameCard;
    const nick = people.nick(userID);
    if (nick !== userID) return nick;
    return m && m.nick ? m.nick : userID;
  }

  function paint() {
    title.textContent = total ? `Members — ${total}` : 'Members';
    const sorted = members.slice().sort((a, b) => RANK[a.role] - RANK[b.role] || (a.userID < b.userID ? -1 : 1));
    replace(list, sorted.map((m) => h('li', { class: 'cm-member', 'data-community': 'member', 'data-user': m.userID },
      people.avatar(m.userID, 'small'),
      h('span', { class: 'cm-member-name', title: m.userID, text: name(m.userID) }),
      m.userID === me ? h('span', { class: 'cm-tag', text: 'you' }) : null,
      m.role !== TYPES.GRP_MBR_ROLE_MEMBER ? h('span', { class: `cm-role cm-role-${m.role.toLowerCase()}`, 'data-community': 'member-role', text: m.role }) : null,
    )));
    more.hidden = next === '';
  }

  /** @param {boolean} first */
  async function load(first) {
    const gen = generation;
    const res = await chat.getGroupMemberList({ groupID, count: PAGE, offset: first ? 0 : next });
    if (ended || gen !== generation) return;
    members = first ? res.data.memberList : [...members, ...res.data.memberList];
    total = res.data.memberCount;
    next = res.data.offset;
    people.show(members.map((m) => m.userID));
    paint();
  }

  more.addEventListener('click', () => {
    more.disabled = true;
    load(false).catch((err) => showError(err, 'Reading the members')).finally(() => {
      more.disabled = false;
    });
  });

  return {
    element,
    members: () => members,
    name,
    async reload() {
      generation += 1;
      await load(true);
    },
    repaint: paint,
    destroy() {
      ended = true;
    },
  };
}
