// How messages and times read in the messenger.

/** @typedef {import('../../../sdk/js/liveroom.js').Message} Message */

/**
 * What a message says, as text.
 * @param {Message} m
 */
export function messageText(m) {
  if (m.isRevoked) return 'Message recalled';
  switch (m.type) {
    case 'TIMTextElem':
      return m.payload.text;
    case 'TIMFaceElem':
      return `[sticker ${m.payload.index}]`;
    case 'TIMCustomElem':
      return m.payload.description || '[custom message]';
    case 'TIMImageElem':
      return '[image]';
    case 'TIMSoundElem':
      return '[voice message]';
    case 'TIMVideoFileElem':
      return '[video]';
    case 'TIMFileElem':
      return '[file]';
    case 'TIMLocationElem':
      return '[location]';
    default:
      return '[message]';
  }
}

/**
 * A conversation's last message, as its row shows it.
 * @param {Message} m
 * @param {string} me
 */
export function preview(m, me) {
  return m.from === me && !m.isRevoked ? `You: ${messageText(m)}` : messageText(m);
}

/**
 * Unix seconds as "14:05" today, else a short date.
 * @param {number} secs
 */
export function shortTime(secs) {
  const d = new Date(secs * 1000);
  const now = new Date();
  if (d.toDateString() === now.toDateString()) return d.toLocaleTimeString([], { hour: '2-digit', minute: '2-digit' });
  return d.toLocaleDateString([], { month: 'short', day: 'numeric' });
}
