// Compiled (never run) by `npm run typecheck`: the published declarations, imported through
// the package's own name and `exports`, must type an ordinary application.

import LiveRoom, { EVENT, TYPES, type Chat, type LiveRoomError, type Message } from 'liveroom-sdk';

const chat: Chat = LiveRoom.create({ SDKAppID: 1400000001, url: 'ws://127.0.0.1:8080/ws', WebSocket });
// A cluster's nodes: a list, also a read-only one.
const nodes = ['ws://10.0.0.1:8080/ws', 'ws://10.0.0.2:8080/ws'] as const;
const clustered: Chat = LiveRoom.create({ SDKAppID: 1400000001, url: nodes, WebSocket });
// @ts-expect-error addresses are strings
LiveRoom.create({ SDKAppID: 1400000001, url: [8080], WebSocket });

chat.on(EVENT.MESSAGE_RECEIVED, (event) => {
  const messages: Message[] = event.data;
  for (const m of messages) {
    if (m.type === TYPES.MSG_TEXT) {
      const text: string = m.payload.text;
      console.log(m.nick, m.level, text);
    } else if (m.type === TYPES.MSG_GRP_TIP) {
      const op: number = m.payload.operationType;
      console.log(op, m.payload.userIDList);
    } else if (m.type === LiveRoom.TYPES.MSG_CUSTOM) {
      console.log(m.payload.data, m.payload.description);
    }
  }
});
chat.on(EVENT.GIFT_RECEIVED, ({ data }) => console.log(data.comboID, data.comboCount, data.echo));
chat.on(EVENT.LIVE_STATE_CHANGED, ({ data }) => console.log(data.liveState.state === TYPES.LIVE_STATE_LIVE));
chat.on(EVENT.ITEM_PINNED, ({ data }) => console.log(data.item ? data.item.Title : 'none'));
chat.on(EVENT.MUTED, ({ data }) => console.log(data.muted, data.muteRemaining));
chat.on(EVENT.NET_STATE_CHANGE, ({ data }) => console.log(data.state));
chat.on(EVENT.KICKED_OUT, ({ data }) => console.log(data.type));
chat.on(EVENT.MESSAGE_RECALLED, ({ data }) => console.log(data.groupID, data.sequence.toFixed(0), data.operatorID));
// @ts-expect-error the likes total is a number
chat.on(EVENT.LIKES_UPDATED, ({ data }) => data.total.toUpperCase());
// @ts-expect-error unknown event names are refused
chat.on('noSuchEvent', () => {});

async function main(): Promise<void> {
  const login = await chat.login({ userID: 'alice', userSig: '...', platform: 'Web' });
  const level: number = login.data.level;
  const joined = await chat.joinGroup({ groupID: 'room-1' });
  const count: number = joined.data.memberCount;
  const message = chat.createTextMessage({ to: 'room-1', payload: { text: 'hi' }, priority: TYPES.MSG_PRIORITY_HIGH });
  try {
    const sent = await chat.sendMessage(message);
    const seq: number = sent.data.message.sequence;
    console.log(level, count, seq);
  } catch (err) {
    const e = err as LiveRoomError;
    if (e.code === LiveRoom.ERROR_CODE.TIMEOUT || e.code === 10017) console.log(e.message);
  }
  const likes = await chat.like('room-1', 3);
  console.log(likes.data.added);
  await chat.setLiveState('room-1', TYPES.LIVE_STATE_LIVE, { newSession: false });
  await chat.pinItem('room-1', { ItemId: 'sku-1', Title: 'Mug', Price: 9.5 });
  await chat.startDraw('room-1', { keyword: '666', duration: 60, winners: 3 });
  await chat.mute('room-1', ['troll'], 300);
  await chat.ban('room-1', 'troll', TYPES.MUTE_PERMANENT, 'spam');
  // @ts-expect-error a live state is one of the five names
  await chat.setLiveState('room-1', 'Streaming');
  await chat.destroy();
}

void main;
void clustered;
