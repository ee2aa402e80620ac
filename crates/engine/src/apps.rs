//! Apps: their keys, admins and settings, cached in memory and written through the store.
//! Authentication of REST admins and client logins happens here.

use dashmap::DashMap;
use parking_lot::{Mutex, RwLock};
use std::collections::HashSet;
use std::sync::Arc;
use std::time::{Duration, Instant};

use liveroom_core::app::AppSettings;
use liveroom_core::store::AppRecord;
use liveroom_core::usersig::{self, SigError, Ticket};
use liveroom_core::{AppId, Error, UserId};

use crate::filter::WordFilter;

/// Failed verifications of one identifier tolerated per minute before it is locked (70050).
const MAX_SIG_FAILURES_PER_MINUTE: u32 = 20;

pub struct App {
    pub id: AppId,
    secret_key: String,
    settings: RwLock<Arc<AppSettings>>,
    /// The word filter compiled from `settings.filter`.
    filter: RwLock<Option<Arc<WordFilter>>>,
    /// Settings changes of this app, one at a time.
    pub(crate) settings_lock: tokio::sync::Mutex<()>,
    admins: RwLock<HashSet<UserId>>,
    failures: Mutex<FailureWindow>,
    /// `send_broadcast_msg` repeats within five minutes, by `(From_Account, Random)`.
    pub(crate) broadcast_dedup: Mutex<crate::dedup::Dedup>,
    /// Levels of this app's users active on this node.
    pub(crate) levels: crate::stats::Levels,
}

struct FailureWindow {
    started: Instant,
    by_identifier: std::collections::HashMap<String, u32>,
}

impl App {
    /// The app as stored; fails if its word lists cannot be compiled.
    pub fn from_record(record: &AppRecord, admins: Vec<UserId>) -> Result<Self, String> {
        let filter = WordFilter::build(&record.settings.filter)?.map(Arc::new);
        Ok(Self {
            id: record.id,
            secret_key: record.secret_key.clone(),
            settings: RwLock::new(Arc::new(record.settings.clone())),
            filter: RwLock::new(filter),
            settings_lock: tokio::sync::Mutex::new(()),
            admins: RwLock::new(admins.into_iter().collect()),
            failures: Mutex::new(FailureWindow {
                started: Instant::now(),
                by_identifier: Default::default(),
            }),
            broadcast_dedup: Mutex::new(crate::dedup::Dedup::default()),
            levels: Default::default(),
        })
    }

    pub fn secret_key(&self) -> &str {
        &self.secret_key
    }

    /// A snapshot of the current settings.
    pub fn settings(&self) -> Arc<AppSettings> {
        self.settings.read().clone()
    }

    /// Swaps in new settings and, when the word lists changed, their compiled filter.
    pub(crate) fn replace_settings(
        &self,
        settings: AppSettings,
        filter: Option<Option<Arc<WordFilter>>>,
    ) {
        if let Some(f) = filter {
            *self.filter.write() = f;
        }
        *self.settings.write() = Arc::new(settings);
    }

    /// The compiled word filter, if the app lists any words.
    pub fn filter(&self) -> Option<Arc<WordFilter>> {
        self.filter.read().clone()
    }

    pub fn is_admin(&self, user: &UserId) -> bool {
        self.admins.read().contains(user)
    }

    pub fn admins(&self) -> Vec<UserId> {
        let mut v: Vec<_> = self.admins.read().iter().cloned().collect();
        v.sort();
        v
    }

    /// Verifies a UserSig for `identifier`, counting failures to lock out guessing.
    pub fn verify_sig(&self, identifier: &str, sig: &str, now: i64) -> Result<Ticket, Error> {
        {
            let mut f = self.failures.lock();
            if f.started.elapsed() > Duration::from_secs(60) {
                f.started = Instant::now();
                f.by_identifier.clear();
            }
            if f.by_identifier.get(identifier).copied().unwrap_or(0) >= MAX_SIG_FAILURES_PER_MINUTE
            {
                return Err(Error::SigLocked);
            }
        }
        match usersig::verify(sig, self.id.0, &self.secret_key, identifier, now) {
            Ok(t) => Ok(t),
            Err(e) => {
                if matches!(e, SigError::Forged | SigError::Malformed) {
                    let mut f = self.failures.lock();
                    // Bound the map: a flood of distinct identifiers resets the window.
                    if f.by_identifier.len() > 100_000 {
                        f.by_identifier.clear();
                    }
                    *f.by_identifier.entry(identifier.to_string()).or_default() += 1;
                }
                Err(e.into())
            }
        }
    }
}

#[derive(Default)]
pub struct AppRegistry {
    apps: DashMap<AppId, Arc<App>>,
}

impl AppRegistry {
    pub fn get(&self, id: AppId) -> Result<Arc<App>, Error> {
        self.apps
            .get(&id)
            .map(|a| a.clone())
            .ok_or(Error::AppNotFound(id.0))
    }

    pub fn insert(&self, app: App) -> Arc<App> {
        let app = Arc::new(app);
        self.apps.insert(app.id, app.clone());
        app
    }

    pub fn ids(&self) -> Vec<AppId> {
        let mut v: Vec<_> = self.apps.iter().map(|e| *e.key()).collect();
        v.sort();
        v
    }
}
