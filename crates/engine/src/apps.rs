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

/// Failed verifications of one identifier, or from one address, per minute after which
/// further bad tickets are answered 70050. A valid ticket always passes.
const MAX_SIG_FAILURES_PER_MINUTE: u32 = 20;
/// Failures per minute (of an identifier or an address) answered without delay.
const FREE_SIG_FAILURES: u32 = 5;
/// Each failure beyond the free ones waits this much longer before it is answered...
const SIG_FAILURE_STEP: Duration = Duration::from_millis(200);
/// ...up to this.
const SIG_FAILURE_DELAY_MAX: Duration = Duration::from_secs(3);
/// Entries a failure map holds before it starts over (a flood of distinct names or addresses).
const FAILURE_ENTRIES_MAX: usize = 100_000;

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
    /// One-to-one sends of the last 120 s (reference 4.7).
    pub(crate) c2c_dedup: crate::chat::C2cDedup,
    /// Levels of this app's users active on this node.
    pub(crate) levels: crate::stats::Levels,
}

/// Failed UserSig checks in the current one-minute window.
struct FailureWindow {
    started: Instant,
    by_identifier: std::collections::HashMap<String, u32>,
    by_source: std::collections::HashMap<std::net::IpAddr, u32>,
}

impl FailureWindow {
    /// Counts a failure; returns the larger of the identifier's and the source's counts.
    fn record(&mut self, identifier: &str, source: Option<std::net::IpAddr>) -> u32 {
        if self.started.elapsed() > Duration::from_secs(60) {
            self.started = Instant::now();
            self.by_identifier.clear();
            self.by_source.clear();
        }
        if self.by_identifier.len() > FAILURE_ENTRIES_MAX {
            self.by_identifier.clear();
        }
        if self.by_source.len() > FAILURE_ENTRIES_MAX {
            self.by_source.clear();
        }
        let mut n = self
            .by_identifier
            .entry(identifier.to_string())
            .or_default();
        *n += 1;
        let mut worst = *n;
        if let Some(ip) = source {
            n = self.by_source.entry(ip).or_default();
            *n += 1;
            worst = worst.max(*n);
        }
        worst
    }
}

/// How long a failed check waits before it is answered, after `failures` this minute.
fn failure_delay(failures: u32) -> Duration {
    let excess = failures.saturating_sub(FREE_SIG_FAILURES);
    (SIG_FAILURE_STEP * excess).min(SIG_FAILURE_DELAY_MAX)
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
                by_source: Default::default(),
            }),
            broadcast_dedup: Mutex::new(crate::dedup::Dedup::default()),
            c2c_dedup: crate::chat::new_dedup(),
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

    /// Replaces the App admins (another node changed them).
    pub(crate) fn replace_admins(&self, admins: Vec<UserId>) {
        *self.admins.write() = admins.into_iter().collect();
    }

    pub fn is_admin(&self, user: &UserId) -> bool {
        self.admins.read().contains(user)
    }

    pub fn admins(&self) -> Vec<UserId> {
        let mut v: Vec<_> = self.admins.read().iter().cloned().collect();
        v.sort();
        v
    }

    /// Verifies a UserSig for `identifier`. A valid ticket always passes, however many bad
    /// ones came before it: limits fall on the sources of bad tickets, never on the holder of
    /// a good one. Bad tickets (undecodable or badly signed) are counted per identifier and
    /// per source address; past 20 in a minute they are answered 70050.
    pub fn verify_sig(&self, identifier: &str, sig: &str, now: i64) -> Result<Ticket, Error> {
        self.verify_counted(identifier, sig, now, None)
            .map_err(|(e, _)| e)
    }

    /// As [`App::verify_sig`], for a caller at `source`, and a bad ticket costs its sender
    /// time: beyond five failures a minute (of the identifier or of the address) each one is
    /// answered 200 ms later than the one before, up to 3 s.
    pub async fn check_sig(
        &self,
        identifier: &str,
        sig: &str,
        now: i64,
        source: Option<std::net::IpAddr>,
    ) -> Result<Ticket, Error> {
        match self.verify_counted(identifier, sig, now, source) {
            Ok(t) => Ok(t),
            Err((e, delay)) => {
                if !delay.is_zero() {
                    tokio::time::sleep(delay).await;
                }
                Err(e)
            }
        }
    }

    fn verify_counted(
        &self,
        identifier: &str,
        sig: &str,
        now: i64,
        source: Option<std::net::IpAddr>,
    ) -> Result<Ticket, (Error, Duration)> {
        match usersig::verify(sig, self.id.0, &self.secret_key, identifier, now) {
            Ok(t) => Ok(t),
            Err(e @ (SigError::Forged | SigError::Malformed)) => {
                let failures = self.failures.lock().record(identifier, source);
                let delay = failure_delay(failures);
                if failures > MAX_SIG_FAILURES_PER_MINUTE {
                    Err((Error::SigLocked, delay))
                } else {
                    Err((e.into(), delay))
                }
            }
            Err(e) => Err((e.into(), Duration::ZERO)),
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
