//! `liveroom_ext` gifts, sent by the business backend once it billed them.

use serde::{Deserialize, Serialize};
use serde_json::Value;

use liveroom_core::Error;

use super::{parse, Cx};

#[derive(Deserialize)]
struct SendGift {
    #[serde(rename = "GroupId")]
    group_id: String,
    #[serde(rename = "From_Account")]
    from: String,
    #[serde(rename = "GiftId")]
    gift_id: String,
    #[serde(rename = "GiftName", default)]
    name: String,
    #[serde(rename = "GiftType", default)]
    gift_type: u8,
    #[serde(rename = "Count", default = "one")]
    count: u32,
    #[serde(rename = "Value", default)]
    value: u64,
    #[serde(rename = "EffectUrl", default)]
    effect_url: String,
    #[serde(rename = "GiftKey", default)]
    key: Option<String>,
}

fn one() -> u32 {
    1
}

/// Where a gift went: the sender's combo, and whether the call was a repeat.
#[derive(Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct GiftSent {
    combo_id: String,
    combo_count: u64,
    duplicate: bool,
}

/// POST /v4/liveroom_ext/send_gift
///
/// Sends a gift (after the backend billed it): the sender's own connections see it at
/// once, the room gets it merged into the sender's combo.
pub async fn send_gift(cx: &Cx, body: Value) -> Result<GiftSent, Error> {
    let req: SendGift = parse(body)?;
    let group = super::group_id(&req.group_id)?;
    let gift = liveroom_engine::Gift {
        from: liveroom_core::UserId::parse(&req.from)?,
        gift_id: req.gift_id,
        name: req.name,
        gift_type: req.gift_type,
        count: req.count,
        value: req.value,
        effect_url: req.effect_url,
        key: req.key,
    };
    let receipt = cx.engine.send_gift(cx.app_id(), &group, gift).await?;
    Ok(GiftSent {
        combo_id: receipt.combo_id,
        combo_count: receipt.combo_count,
        duplicate: receipt.duplicate,
    })
}
