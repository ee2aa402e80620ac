//! Group commit of one-to-one messages ([`crate::commit`]): a conversation is a thread,
//! keyed by its pair of users.

use async_trait::async_trait;

use liveroom_core::chat::Pair;
use liveroom_core::store::{C2cAppend, C2cAppended, Store, StoreResult};

use crate::commit::{self, Kind};

pub(crate) struct C2c;

#[async_trait]
impl Kind for C2c {
    type Append = C2cAppend;
    type Stored = C2cAppended;
    const NAME: &'static str = "c2c";

    fn thread(append: &C2cAppend) -> impl std::hash::Hash {
        (append.app, Pair::of(&append.from, &append.to))
    }

    async fn store(store: &dyn Store, batch: &[C2cAppend]) -> StoreResult<Vec<C2cAppended>> {
        store.append_c2c(batch).await
    }
}

pub(crate) type C2cWriter = commit::Writer<C2c>;
pub(crate) type Delivery = commit::Delivery<C2c>;
