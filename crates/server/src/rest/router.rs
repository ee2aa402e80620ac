//! The command table: every `(service, command)` the REST API serves, written once, the
//! [`Endpoint`] each names (an older name names the same endpoint as the current one), and
//! the one match that runs an endpoint.

use axum::response::Response;
use serde_json::Value;

use liveroom_core::{Error, Service};

use super::{
    accounts, chat, conversations, group_members, groups, members, messages, moderation, profile,
    sns, Cx,
};
use super::{apps, draw, filter, gifts, group_features, live, stats, topics};

const LOGIN: &str = "im_open_login_svc";
const PROFILE: &str = "profile";
const OPENIM: &str = "openim";
const CONTACTS: &str = "recentcontact";
const SNS: &str = "sns";
const GROUP: &str = "group_open_http_svc";
const AVCHATROOM: &str = "group_open_avchatroom_http_svc";
const TOPICS: &str = "million_group_open_http_svc";
const MSG_EXT: &str = "openim_msg_ext_http_svc";
const ATTR: &str = "group_open_attr_http_svc";
/// Liveroom's own commands.
const EXT: &str = "liveroom_ext";

/// Each service by its name in the URL, with the error table its answers use.
const SERVICES: &[(&str, Service)] = &[
    (LOGIN, Service::Account),
    (PROFILE, Service::Profile),
    (OPENIM, Service::Openim),
    (CONTACTS, Service::Conversation),
    (SNS, Service::Sns),
    (GROUP, Service::Group),
    (AVCHATROOM, Service::Group),
    (TOPICS, Service::Group),
    (MSG_EXT, Service::Group),
    (ATTR, Service::Group),
    (EXT, Service::Extension),
];

/// Which key names an answer uses when a command has an older name whose answer named
/// them differently.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Names {
    Current,
    Legacy,
}

/// Declares [`Endpoint`] and `TABLE` from one list: each variant with the paths that
/// name it, an argument telling them apart where an endpoint has more than one.
macro_rules! endpoints {
    ($(
        $variant:ident $(($arg:ty))? {
            $($service:ident / $command:literal $(=> $value:expr)?),+ $(,)?
        }
    )*) => {
        /// A command the REST API serves.
        #[derive(Debug, Clone, Copy, PartialEq, Eq)]
        pub enum Endpoint {
            $($variant $(($arg))?,)*
        }

        /// Every `(service, command)` served, and its endpoint.
        const TABLE: &[(&str, &str, Endpoint)] = &[
            $($(($service, $command, Endpoint::$variant $(($value))?),)+)*
        ];
    };
}

endpoints! {
    AccountImport { LOGIN / "account_import" }
    MultiaccountImport { LOGIN / "multiaccount_import" }
    AccountCheck { LOGIN / "account_check" }
    AccountDelete { LOGIN / "account_delete" }
    Kick { LOGIN / "kick" }

    SendMsg { OPENIM / "sendmsg" }
    BatchSendMsg { OPENIM / "batchsendmsg" }
    ImportMsg { OPENIM / "importmsg" }
    AdminGetRoamMsg { OPENIM / "admin_getroammsg" }
    AdminMsgWithdraw { OPENIM / "admin_msgwithdraw" }
    ModifyC2cMsg { OPENIM / "modify_c2c_msg" }
    AdminSetMsgRead { OPENIM / "admin_set_msg_read" }
    GetC2cUnreadMsgNum { OPENIM / "get_c2c_unread_msg_num" }
    QueryOnlineStatus { OPENIM / "query_online_status" }
    QueryState { OPENIM / "querystate" }

    GetContactList { CONTACTS / "get_list" }
    DeleteContact { CONTACTS / "delete" }

    FriendAdd { SNS / "friend_add" }
    FriendImport { SNS / "friend_import" }
    FriendUpdate { SNS / "friend_update" }
    FriendDelete { SNS / "friend_delete" }
    FriendDeleteAll { SNS / "friend_delete_all" }
    FriendCheck { SNS / "friend_check" }
    FriendGet { SNS / "friend_get" }
    FriendGetList { SNS / "friend_get_list" }
    BlackListAdd { SNS / "black_list_add" }
    BlackListDelete { SNS / "black_list_delete" }
    BlackListGet { SNS / "black_list_get" }
    BlackListCheck { SNS / "black_list_check" }
    FriendListAdd { SNS / "group_add" }
    FriendListDelete { SNS / "group_delete" }
    FriendListGet { SNS / "group_get" }

    PortraitGet { PROFILE / "portrait_get" }
    PortraitSet { PROFILE / "portrait_set" }

    CreateGroup { GROUP / "create_group" }
    DestroyGroup { GROUP / "destroy_group" }
    GetGroupInfo { GROUP / "get_group_info" }
    GetAppidGroupList { GROUP / "get_appid_group_list" }
    ModifyGroupBaseInfo { GROUP / "modify_group_base_info" }
    AddGroupMember { GROUP / "add_group_member" }
    DeleteGroupMember { GROUP / "delete_group_member" }
    GetGroupMemberInfo { GROUP / "get_group_member_info" }
    GetSpecifiedGroupMemberInfo { GROUP / "get_specified_group_member_info" }
    ModifyGroupMemberInfo { GROUP / "modify_group_member_info" }
    GetJoinedGroupList { GROUP / "get_joined_group_list" }
    ChangeGroupOwner { GROUP / "change_group_owner" }
    SetUnreadMsgNum { GROUP / "set_unread_msg_num" }
    SendGroupMsg { GROUP / "send_group_msg" }
    SendGroupSystemNotification { GROUP / "send_group_system_notification" }
    SendBroadcastMsg { GROUP / "send_broadcast_msg" }
    GroupMsgGetSimple { GROUP / "group_msg_get_simple" }
    GroupMsgRecall { GROUP / "group_msg_recall" }
    ForbidSendMsg { GROUP / "forbid_send_msg" }
    GetGroupMutedAccount(Names) {
        GROUP / "get_group_muted_account" => Names::Current,
        GROUP / "get_group_shutted_uin" => Names::Legacy,
    }
    BanGroupMember { GROUP / "ban_group_member" }
    UnbanGroupMember { GROUP / "unban_group_member" }
    GetGroupBanMember { GROUP / "get_group_ban_member" }
    GetOnlineMemberNum { GROUP / "get_online_member_num" }
    GetRoleInGroup { GROUP / "get_role_in_group" }

    ModifyGroupMsg { OPENIM / "modify_group_msg" }
    GroupSetKeyValues { MSG_EXT / "group_set_key_values" }
    GroupGetKeyValues { MSG_EXT / "group_get_key_values" }
    DeleteGroupMsgBySender { GROUP / "delete_group_msg_by_sender" }
    ClearGroupMsg { GROUP / "clear_group_msg" }
    ImportGroup { GROUP / "import_group" }
    GetGroupAttr { ATTR / "get_group_attr" }
    ModifyGroupAttr { GROUP / "modify_group_attr" }
    SetGroupAttr { GROUP / "set_group_attr" }
    ClearGroupAttr { GROUP / "clear_group_attr" }
    ImportGroupMember { GROUP / "import_group_member" }
    ImportGroupMsg { GROUP / "import_group_msg" }

    CreateTopic { TOPICS / "create_topic" }
    GetTopic { TOPICS / "get_topic" }
    ModifyTopic { TOPICS / "modify_topic" }
    DestroyTopic { TOPICS / "destroy_topic" }

    GetMembers { AVCHATROOM / "get_members" }
    CheckMembers { AVCHATROOM / "check_members" }
    ModifyAdmin { AVCHATROOM / "modify_admin" }
    GetAdminList { AVCHATROOM / "get_admin_list" }

    GetGroupCustomFields { EXT / "get_group_custom_fields" }
    SetGroupCustomFields { EXT / "set_group_custom_fields" }
    GetAppSettings { EXT / "get_app_settings" }
    SetAppSettings { EXT / "set_app_settings" }
    GetWebhook { EXT / "get_webhook" }
    SetWebhook { EXT / "set_webhook" }
    GetWordFilter { EXT / "get_word_filter" }
    SetWordFilter { EXT / "set_word_filter" }
    AddFilterWords { EXT / "add_filter_words" }
    DeleteFilterWords { EXT / "delete_filter_words" }
    SetLiveState { EXT / "set_live_state" }
    GetLiveStates { EXT / "get_live_states" }
    PinItem { EXT / "pin_item" }
    UnpinItem { EXT / "unpin_item" }
    GetPinnedItems { EXT / "get_pinned_items" }
    SendGift { EXT / "send_gift" }
    StartDraw { EXT / "start_draw" }
    GetDraw { EXT / "get_draw" }
    GetRoomStats { EXT / "get_room_stats" }
    GetUserStats { EXT / "get_user_stats" }
}

/// A refusal before any command ran, and the error table it is answered with.
pub type Refusal = (Error, Service);

impl Endpoint {
    /// The endpoint the URL's service and command name, and the error table of its service.
    /// An unknown command answers with its service's code (10003 under the group services,
    /// 60009 under the others); an unknown service with 60009.
    pub fn parse(service: &str, command: &str) -> Result<(Self, Service), Refusal> {
        let unknown = || Error::UnknownCommand(format!("{service}/{command}"));
        let Some(&(_, table)) = SERVICES.iter().find(|(name, _)| *name == service) else {
            return Err((unknown(), Service::Extension));
        };
        TABLE
            .iter()
            .find(|(s, c, _)| *s == service && *c == command)
            .map(|&(_, _, endpoint)| (endpoint, table))
            .ok_or_else(|| (unknown(), table))
    }

    /// Runs the command with the request's body and answers in the envelope.
    pub async fn run(self, cx: &Cx, body: Value) -> Response {
        use Endpoint as E;
        match self {
            E::AccountImport => cx.answer(accounts::account_import(cx, body).await),
            E::MultiaccountImport => cx.answer(accounts::multiaccount_import(cx, body).await),
            E::AccountCheck => cx.answer(accounts::account_check(cx, body).await),
            E::AccountDelete => cx.answer(accounts::account_delete(cx, body).await),
            E::Kick => cx.answer(accounts::kick(cx, body).await),
            E::SendMsg => cx.answer(chat::sendmsg(cx, body).await),
            E::BatchSendMsg => cx.answer(chat::batchsendmsg(cx, body).await),
            E::ImportMsg => cx.answer(chat::importmsg(cx, body).await),
            E::AdminGetRoamMsg => cx.answer(chat::admin_getroammsg(cx, body).await),
            E::AdminMsgWithdraw => cx.answer(chat::admin_msgwithdraw(cx, body).await),
            E::ModifyC2cMsg => cx.answer(chat::modify_c2c_msg(cx, body).await),
            E::AdminSetMsgRead => cx.answer(chat::admin_set_msg_read(cx, body).await),
            E::GetC2cUnreadMsgNum => cx.answer(chat::get_c2c_unread_msg_num(cx, body).await),
            E::QueryOnlineStatus => cx.answer(chat::query_online_status(cx, body).await),
            E::QueryState => cx.answer(chat::querystate(cx, body).await),
            E::GetContactList => cx.answer(conversations::get_list(cx, body).await),
            E::DeleteContact => cx.answer(conversations::delete(cx, body).await),
            E::FriendAdd => cx.answer(sns::friend_add(cx, body).await),
            E::FriendImport => cx.answer(sns::friend_import(cx, body).await),
            E::FriendUpdate => cx.answer(sns::friend_update(cx, body).await),
            E::FriendDelete => cx.answer(sns::friend_delete(cx, body).await),
            E::FriendDeleteAll => cx.answer(sns::friend_delete_all(cx, body).await),
            E::FriendCheck => cx.answer(sns::friend_check(cx, body).await),
            E::FriendGet => cx.answer(sns::friend_get(cx, body).await),
            E::FriendGetList => cx.answer(sns::friend_get_list(cx, body).await),
            E::BlackListAdd => cx.answer(sns::black_list_add(cx, body).await),
            E::BlackListDelete => cx.answer(sns::black_list_delete(cx, body).await),
            E::BlackListGet => cx.answer(sns::black_list_get(cx, body).await),
            E::BlackListCheck => cx.answer(sns::black_list_check(cx, body).await),
            E::FriendListAdd => cx.answer(sns::group_add(cx, body).await),
            E::FriendListDelete => cx.answer(sns::group_delete(cx, body).await),
            E::FriendListGet => cx.answer(sns::group_get(cx, body).await),
            E::PortraitGet => cx.answer(profile::portrait_get(cx, body).await),
            E::PortraitSet => cx.answer(profile::portrait_set(cx, body).await),
            E::CreateGroup => cx.answer(groups::create_group(cx, body).await),
            E::DestroyGroup => cx.answer(groups::destroy_group(cx, body).await),
            E::GetGroupInfo => cx.answer(groups::get_group_info(cx, body).await),
            E::GetAppidGroupList => cx.answer(groups::get_appid_group_list(cx, body).await),
            E::ModifyGroupBaseInfo => cx.answer(groups::modify_group_base_info(cx, body).await),
            E::AddGroupMember => cx.answer(group_members::add_group_member(cx, body).await),
            E::DeleteGroupMember => cx.answer(group_members::delete_group_member(cx, body).await),
            E::GetGroupMemberInfo => {
                cx.answer(group_members::get_group_member_info(cx, body).await)
            }
            E::GetSpecifiedGroupMemberInfo => {
                cx.answer(group_members::get_specified_group_member_info(cx, body).await)
            }
            E::ModifyGroupMemberInfo => {
                cx.answer(group_members::modify_group_member_info(cx, body).await)
            }
            E::GetJoinedGroupList => {
                cx.answer(group_members::get_joined_group_list(cx, body).await)
            }
            E::ChangeGroupOwner => cx.answer(group_members::change_group_owner(cx, body).await),
            E::SetUnreadMsgNum => cx.answer(group_members::set_unread_msg_num(cx, body).await),
            E::GetOnlineMemberNum => cx.answer(members::get_online_member_num(cx, body).await),
            E::GetMembers => cx.answer(members::get_members(cx, body).await),
            E::ModifyGroupMsg => cx.answer(group_features::modify_group_msg(cx, body).await),
            E::GroupSetKeyValues => cx.answer(group_features::group_set_key_values(cx, body).await),
            E::GroupGetKeyValues => cx.answer(group_features::group_get_key_values(cx, body).await),
            E::DeleteGroupMsgBySender => {
                cx.answer(group_features::delete_group_msg_by_sender(cx, body).await)
            }
            E::ClearGroupMsg => cx.answer(group_features::clear_group_msg(cx, body).await),
            E::ImportGroup => cx.answer(groups::import_group(cx, body).await),
            E::GetGroupAttr => cx.answer(group_features::get_group_attr(cx, body).await),
            E::ModifyGroupAttr => cx.answer(group_features::modify_group_attr(cx, body).await),
            E::SetGroupAttr => cx.answer(group_features::set_group_attr(cx, body).await),
            E::ClearGroupAttr => cx.answer(group_features::clear_group_attr(cx, body).await),
            E::ImportGroupMember => cx.answer(group_features::import_group_member(cx, body).await),
            E::ImportGroupMsg => cx.answer(group_features::import_group_msg(cx, body).await),
            E::CreateTopic => cx.answer(topics::create_topic(cx, body).await),
            E::GetTopic => cx.answer(topics::get_topic(cx, body).await),
            E::ModifyTopic => cx.answer(topics::modify_topic(cx, body).await),
            E::DestroyTopic => cx.answer(topics::destroy_topic(cx, body).await),
            E::CheckMembers => cx.answer(members::check_members(cx, body).await),
            E::SendGroupMsg => cx.answer(messages::send_group_msg(cx, body).await),
            E::SendGroupSystemNotification => {
                cx.answer(messages::send_group_system_notification(cx, body).await)
            }
            E::SendBroadcastMsg => cx.answer(messages::send_broadcast_msg(cx, body).await),
            E::GroupMsgGetSimple => cx.answer(messages::group_msg_get_simple(cx, body).await),
            E::GroupMsgRecall => cx.answer(messages::group_msg_recall(cx, body).await),
            E::ForbidSendMsg => cx.answer(moderation::forbid_send_msg(cx, body).await),
            E::GetGroupMutedAccount(names) => {
                cx.answer(moderation::get_group_muted_account(cx, body, names).await)
            }
            E::BanGroupMember => cx.answer(moderation::ban_group_member(cx, body).await),
            E::UnbanGroupMember => cx.answer(moderation::unban_group_member(cx, body).await),
            E::GetGroupBanMember => cx.answer(moderation::get_group_ban_member(cx, body).await),
            E::ModifyAdmin => cx.answer(moderation::modify_admin(cx, body).await),
            E::GetAdminList => cx.answer(moderation::get_admin_list(cx, body).await),
            E::GetRoleInGroup => cx.answer(moderation::get_role_in_group(cx, body).await),
            E::GetGroupCustomFields => cx.answer(apps::get_group_custom_fields(cx, body).await),
            E::SetGroupCustomFields => cx.answer(apps::set_group_custom_fields(cx, body).await),
            E::GetAppSettings => cx.answer(apps::get_app_settings(cx, body).await),
            E::SetAppSettings => cx.answer(apps::set_app_settings(cx, body).await),
            E::GetWebhook => cx.answer(apps::get_webhook(cx, body).await),
            E::SetWebhook => cx.answer(apps::set_webhook(cx, body).await),
            E::GetWordFilter => cx.answer(filter::get_word_filter(cx, body).await),
            E::SetWordFilter => cx.answer(filter::set_word_filter(cx, body).await),
            E::AddFilterWords => cx.answer(filter::add_filter_words(cx, body).await),
            E::DeleteFilterWords => cx.answer(filter::delete_filter_words(cx, body).await),
            E::SetLiveState => cx.answer(live::set_live_state(cx, body).await),
            E::GetLiveStates => cx.answer(live::get_live_states(cx, body).await),
            E::PinItem => cx.answer(live::pin_item(cx, body).await),
            E::UnpinItem => cx.answer(live::unpin_item(cx, body).await),
            E::GetPinnedItems => cx.answer(live::get_pinned_items(cx, body).await),
            E::SendGift => cx.answer(gifts::send_gift(cx, body).await),
            E::StartDraw => cx.answer(draw::start_draw(cx, body).await),
            E::GetDraw => cx.answer(draw::get_draw(cx, body).await),
            E::GetRoomStats => cx.answer(stats::get_room_stats(cx, body).await),
            E::GetUserStats => cx.answer(stats::get_user_stats(cx, body).await),
        }
    }
}

/// Every `(service, command)` pair served, older names included, for docs and tests.
pub fn commands() -> impl Iterator<Item = (&'static str, &'static str)> {
    TABLE
        .iter()
        .map(|&(service, command, _)| (service, command))
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::BTreeSet;

    const REST_API_MD: &str = include_str!("../../../../docs/rest-api.md");

    /// `(service, command)` of the endpoint table's rows marked served, and of the
    /// extension section's headings.
    fn documented() -> BTreeSet<(String, String)> {
        let unquote = |cell: &str| cell.trim().trim_matches('`').to_string();
        let mut out = BTreeSet::new();
        for line in REST_API_MD.lines() {
            let cells: Vec<&str> = line.split(" | ").collect();
            if let [service, command, status, ..] = cells[..] {
                let service = service.trim_start_matches('|');
                if matches!(status.trim(), "supported" | "differs") {
                    out.insert((unquote(service), unquote(command)));
                }
            }
            if let Some(heading) = line.strip_prefix("### `") {
                for command in heading.split(", ") {
                    out.insert((EXT.to_string(), unquote(command)));
                }
            }
        }
        out
    }

    #[test]
    fn the_table_is_what_the_docs_describe() {
        let documented = documented();
        let mut first_names = BTreeSet::new();
        for &(service, command, endpoint) in TABLE {
            // The first path of an endpoint is its current name.
            let current = TABLE
                .iter()
                .find(|(_, _, e)| std::mem::discriminant(e) == std::mem::discriminant(&endpoint))
                .map(|&(s, c, _)| (s, c))
                .expect("in the table");
            if current == (service, command) {
                first_names.insert((service.to_string(), command.to_string()));
                continue;
            }
            // An older name is mentioned in its command's row.
            let row = format!("| `{}` | `{}` |", current.0, current.1);
            let row = REST_API_MD
                .lines()
                .find(|l| l.starts_with(&row))
                .unwrap_or_else(|| panic!("no row for {current:?}"));
            assert!(row.contains(&format!("`{command}`")), "{service}/{command}");
        }
        assert_eq!(first_names, documented);
    }

    #[test]
    fn paths_parse_to_their_endpoint_and_error_table() {
        for &(service, command, endpoint) in TABLE {
            assert_eq!(
                Endpoint::parse(service, command).map(|(e, _)| e),
                Ok(endpoint)
            );
        }
        assert_eq!(
            Endpoint::parse(GROUP, "get_group_shutted_uin"),
            Ok((
                Endpoint::GetGroupMutedAccount(Names::Legacy),
                Service::Group
            ))
        );
        let refused = |s: &str, c: &str| {
            Endpoint::parse(s, c)
                .map(|_| ())
                .map_err(|(e, s)| e.code(s))
        };
        assert_eq!(refused(GROUP, "no_such_command"), Err(10003));
        assert_eq!(refused(AVCHATROOM, "get_group_info"), Err(10003));
        assert_eq!(refused(EXT, "no_such_command"), Err(60009));
        assert_eq!(refused(LOGIN, "portrait_get"), Err(60009));
        assert_eq!(refused(OPENIM, "no_such_command"), Err(60009));
        assert_eq!(refused(SNS, "no_such_command"), Err(60009));
        assert_eq!(
            Endpoint::parse(OPENIM, "sendmsg"),
            Ok((Endpoint::SendMsg, Service::Openim))
        );
    }
}
