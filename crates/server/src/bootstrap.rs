//! Start-up: open the store, create the engine, define the configured apps, and on first
//! start create a development app and print how to use it.

use std::sync::Arc;

use liveroom_core::time::unix_secs;
use liveroom_core::usersig;
use liveroom_core::AppId;
use liveroom_engine::{Engine, EngineConfig};

use crate::config::Config;

/// The first SDKAppID handed to a generated development app.
const DEV_APP_BASE: u64 = 1_400_000_000;

pub struct Started {
    pub engine: Arc<Engine>,
    /// The development app (when no app is configured): its id, key and whether it was
    /// created on this start.
    pub dev_app: Option<(AppId, String, bool)>,
}

pub async fn start(config: &Config) -> Result<Started, String> {
    let store = liveroom_store::connect(config.database_url.as_deref(), &config.data_dir)
        .await
        .map_err(|e| format!("cannot open the store: {e}"))?;
    let engine_config = EngineConfig {
        queue: liveroom_engine::outbound::QueueLimits {
            capacity: config.gateway.queue_capacity.max(1),
            stall_limit: std::time::Duration::from_secs(config.gateway.stall_limit_secs),
        },
    };
    let engine = Engine::new(store, engine_config)
        .await
        .map_err(|e| format!("cannot start the engine: {e}"))?;
    for app in &config.apps {
        // A new app starts from `app_defaults`; an existing one keeps its stored settings
        // (changed live through the REST extension) except what its own table names.
        let settings = match engine.app(AppId(app.sdkappid)) {
            Ok(existing) => config.settings_over(&existing.settings(), app)?,
            Err(_) => config.settings_for(app)?,
        };
        engine
            .ensure_app(AppId(app.sdkappid), Some(app.secret_key.clone()), settings)
            .await
            .map_err(|e| format!("cannot define app {}: {e}", app.sdkappid))?;
    }
    let mut dev_app = None;
    if config.apps.is_empty() {
        match engine.apps.ids().first() {
            Some(&id) => {
                let app = engine.app(id).map_err(|e| e.to_string())?;
                dev_app = Some((id, app.secret_key().to_string(), false));
            }
            None => {
                let id = AppId(DEV_APP_BASE + rand::random::<u32>() as u64 % 100_000_000);
                let (record, _) = engine
                    .ensure_app(id, None, config.app_defaults.clone())
                    .await
                    .map_err(|e| format!("cannot create the development app: {e}"))?;
                dev_app = Some((id, record.secret_key, true));
            }
        }
    }
    if let Some((id, _, _)) = &dev_app {
        ensure_demo_room(&engine, *id)
            .await
            .map_err(|e| format!("cannot prepare the demo room: {e}"))?;
    }
    Ok(Started { engine, dev_app })
}

/// The room the built-in pages open by default on a development app.
pub const DEMO_ROOM: &str = "demo";
/// Its owner, who runs it from the host page.
pub const DEMO_HOST: &str = "host";
/// The room custom field the pages read a room's HLS stream address from.
pub const STREAM_URL_FIELD: &str = "StreamUrl";

/// The development app always has a live room `demo` owned by `host`, and declares the
/// `StreamUrl` field, so the viewer and host pages work on a fresh server.
async fn ensure_demo_room(engine: &Engine, app: AppId) -> Result<(), liveroom_core::Error> {
    use liveroom_core::group::GroupType;
    use liveroom_core::{Error, UserId};
    use liveroom_engine::hooks::Origin;
    use liveroom_engine::NewGroup;

    engine
        .update_app_settings(app, |s| {
            if !s.group_custom_fields.iter().any(|f| f == STREAM_URL_FIELD) {
                s.group_custom_fields.push(STREAM_URL_FIELD.into());
            }
            Ok(())
        })
        .await?;
    let host = UserId::parse(DEMO_HOST)?;
    if engine
        .existing_accounts(app, std::slice::from_ref(&host))
        .await?
        .is_empty()
    {
        let account = liveroom_engine::ImportedAccount {
            user: host.clone(),
            nick: Some("Host".into()),
            face_url: None,
        };
        engine.import_account(app, account).await?;
    }
    let room = NewGroup {
        group_type: GroupType::AVChatRoom,
        group_id: Some(DEMO_ROOM.into()),
        owner: Some(host),
        name: "Demo live room".into(),
        introduction: "A room to try Liveroom in".into(),
        notification: "Welcome! Be kind in the chat.".into(),
        face_url: String::new(),
        max_member_num: 0,
        apply_join_option: None,
        custom: Vec::new(),
        has_member_list: false,
    };
    match engine
        .create_group(app, room, "administrator", &Origin::rest("127.0.0.1"))
        .await
    {
        Ok(_) | Err(Error::GroupIdTaken(_)) => Ok(()),
        Err(e) => Err(e),
    }
}

/// What a developer needs to start: the app, its key, an admin UserSig and a curl command.
pub fn banner(config: &Config, app: AppId, key: &str, created: bool) -> String {
    let title = if created {
        "Liveroom development app created"
    } else {
        "Liveroom development app"
    };
    let sig = usersig::generate(
        app.0,
        key,
        "administrator",
        usersig::DEFAULT_EXPIRE_SECS,
        unix_secs(),
    );
    let base = format!("http://{}", config.http_addr);
    let q =
        format!("sdkappid={app}&identifier=administrator&usersig={sig}&random=1&contenttype=json");
    let mut out = format!(
        "\n  {title}\n\n  SDKAppID        {app}\n  Secret key      {key}\n  Admin           administrator\n  Admin UserSig   {sig}\n"
    );
    out.push_str(&format!(
        "\n  Create a room:\n    curl -s -X POST '{base}/v4/group_open_http_svc/create_group?{q}' \\\n      -d '{{\"Type\":\"AVChatRoom\",\"GroupId\":\"room-1\",\"Name\":\"Evening show\",\"Owner_Account\":\"administrator\"}}'\n\n  Send a message into the demo room:\n    curl -s -X POST '{base}/v4/group_open_http_svc/send_group_msg?{q}' \\\n      -d '{{\"GroupId\":\"{DEMO_ROOM}\",\"Random\":1,\"MsgBody\":[{{\"MsgType\":\"TIMTextElem\",\"MsgContent\":{{\"Text\":\"hello\"}}}}]}}'\n"
    ));
    let pages = config.dev_login_enabled(config.http_addr);
    let console = config.console_enabled(config.http_addr);
    if pages || console {
        out.push_str("\n  In a browser:\n");
    }
    if pages {
        out.push_str(&format!(
            "    viewer   {base}/room/{DEMO_ROOM}   (pick a nickname; comment, send gifts, like)\n    host     {base}/host/{DEMO_ROOM}   (as {DEMO_HOST}: go live, pin items, start draws, moderate)\n"
        ));
    }
    if console {
        out.push_str(&format!(
            "    console  {base}/admin       (log in with the SDKAppID, administrator and the UserSig above)\n"
        ));
    }
    out.push_str(&format!(
        "\n  WebSocket clients connect to ws://{addr}/ws (docs/protocol.md).\n  Mint user tickets with: liveroom usersig --sdkappid {app} --key {key} --user <UserID>\n",
        addr = config.http_addr
    ));
    out
}
