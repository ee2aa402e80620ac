//! A terminal chat client: joins a room, prints what arrives, sends each line you type.
//!
//! cargo run -p liveroom-client --example chat -- ws://127.0.0.1:8080/ws SDKAPPID USER USERSIG ROOM

use tokio::io::{AsyncBufReadExt, BufReader};

use liveroom_client::{message_text, Client, Event, Priority};

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let [url, app, user, sig, room] = args.as_slice() else {
        eprintln!("usage: chat WS_URL SDKAPPID USER USERSIG ROOM");
        std::process::exit(2);
    };
    let mut client = Client::connect(url).await?;
    client.login(app.parse()?, user, sig).await?;
    let joined = client.join(room).await?;
    println!(
        "joined {room}: {} online; type a line to send it",
        joined.data["MemberNum"]
    );
    let mut lines = BufReader::new(tokio::io::stdin()).lines();
    loop {
        tokio::select! {
            line = lines.next_line() => match line? {
                Some(text) if !text.trim().is_empty() => {
                    if let Err(e) = client.send_text(room, text.trim(), Priority::Normal).await {
                        eprintln!("not sent: {e}");
                    }
                }
                Some(_) => {}
                None => break,
            },
            event = client.next_event() => match event {
                Event::Message(m) => println!("[{}] {}: {}", m.msg_seq, if m.nick.is_empty() { &m.from_account } else { &m.nick }, message_text(&m).unwrap_or("(non-text message)")),
                Event::Tip(t) => println!("-- tip: {}", t.msg_body[0]["MsgContent"]),
                Event::System(n) => println!("-- notice: {}", n.msg_body[0]["MsgContent"]),
                Event::Kicked(k) => { println!("-- kicked: {:?} {}", k.reason, k.info); break; }
                Event::Closed => { println!("-- connection closed"); break; }
                Event::Online(o) => println!("-- {} online", o.member_num),
                Event::Likes(l) => println!("-- {} likes", l.total),
                Event::Gift(g) => println!("-- you sent {} x{}", g.gift_name, g.count),
                Event::Recalled(r) => println!("-- [{}] recalled by {}", r.msg_seq, r.operator),
                Event::C2c(m) => println!("[{} from {}] {}", m.seq, m.from, m.msg_body),
                Event::C2cRecalled(r) => println!("-- {}'s message {} recalled", r.from, r.seq),
                Event::C2cModified(m) => println!("-- {}'s message {} edited: {}", m.from, m.seq, m.msg_body),
                Event::C2cRead(r) => println!("-- {} read up to {}", r.reader, r.seq),
                Event::Typing(t) => println!("-- {} is typing", t.from),
                Event::Profile(p) => println!("-- {}'s profile changed", p.user),
                Event::Friend(f) => println!("-- {} {} {}", f.from, f.action, f.to),
                Event::UserStatus(u) => println!("-- {} is {}", u.user, u.status),
                Event::C2cConversation(c) => println!("-- conversation with {} {}", c.peer, c.action),
                Event::MessageModified(m) => println!("-- [{}] edited: {}", m.msg_seq, message_text(&m).unwrap_or("")),
                Event::Reaction(r) => println!("-- {} {} {} on [{}]", r.from, r.action, r.reaction, r.msg_seq),
                Event::MessageExtension(e) => println!("-- [{}] extensions set: {}", e.msg_seq, e.extensions.len()),
                Event::GroupAttrs(a) => println!("-- {} attributes of {}", a.attrs.len(), a.group_id),
                Event::Topic(t) => println!("-- topic {} of {} {}", t.topic_id, t.group_id, t.action),
                Event::GroupRead(r) => println!("-- read {} up to {} ({} unread)", r.group_id, r.seq, r.unread),
                Event::Reply(_) => {}
            },
        }
    }
    Ok(())
}
