//! The built-in word filter: every word of every list of an app in one Aho-Corasick
//! automaton, matched in one pass over the lower-cased text. Words of case-sensitive lists
//! are confirmed against the original text. The strongest action among the words found
//! wins: reject > drop > mask.

use aho_corasick::{AhoCorasick, MatchKind};
use serde_json::Value;
use std::collections::HashMap;

use liveroom_core::callback::{FilterAction, FilterSettings};
use liveroom_core::message::{MsgBody, MsgType};

/// One listed word behind an automaton pattern.
struct Entry {
    action: FilterAction,
    /// The word as listed, for case-sensitive lists; `None` matches any case.
    exact: Option<String>,
}

pub struct WordFilter {
    automaton: AhoCorasick,
    /// Per pattern id: the words folding to that pattern.
    entries: Vec<Vec<Entry>>,
    /// `TIMCustomElem` fields filtered: `Data`, `Desc`, `Ext`.
    plain_fields: Vec<String>,
    /// Members of a JSON object in `Data` filtered (`Data.<key>`).
    data_keys: Vec<String>,
}

/// What the filter decided for a message.
#[derive(Debug, Clone, PartialEq)]
pub enum Outcome {
    Clean,
    /// Deliver this body instead (listed words replaced by `*`).
    Masked(MsgBody),
    Drop,
    Reject,
}

/// What one scan of a text found.
#[derive(Default)]
struct Scan {
    worst: Option<FilterAction>,
    /// Byte ranges of the original text to mask.
    spans: Vec<(usize, usize)>,
}

/// The text lower-cased, with each byte of it mapped to the original character it came
/// from, as `(start, end)` byte offsets.
fn fold(text: &str) -> (String, Vec<(u32, u32)>) {
    let mut folded = String::with_capacity(text.len());
    let mut map = Vec::with_capacity(text.len());
    for (start, c) in text.char_indices() {
        let end = (start + c.len_utf8()) as u32;
        for lc in c.to_lowercase() {
            folded.push(lc);
            for _ in 0..lc.len_utf8() {
                map.push((start as u32, end));
            }
        }
    }
    (folded, map)
}

impl WordFilter {
    /// Compiles an app's lists; `None` when there are no words.
    pub fn build(settings: &FilterSettings) -> Result<Option<Self>, String> {
        let mut by_pattern: HashMap<String, usize> = HashMap::new();
        let mut patterns: Vec<String> = Vec::new();
        let mut entries: Vec<Vec<Entry>> = Vec::new();
        for list in &settings.lists {
            for word in &list.words {
                let (pattern, _) = fold(word);
                if pattern.is_empty() {
                    continue;
                }
                let id = *by_pattern.entry(pattern.clone()).or_insert_with(|| {
                    patterns.push(pattern);
                    entries.push(Vec::new());
                    entries.len() - 1
                });
                entries[id].push(Entry {
                    action: list.action,
                    exact: (!list.case_fold).then(|| word.clone()),
                });
            }
        }
        if patterns.is_empty() {
            return Ok(None);
        }
        let automaton = AhoCorasick::builder()
            .match_kind(MatchKind::Standard)
            .build(&patterns)
            .map_err(|e| format!("the word lists cannot be compiled: {e}"))?;
        let mut plain_fields = Vec::new();
        let mut data_keys = Vec::new();
        for f in &settings.custom_fields {
            match f.split_once('.') {
                Some((_, key)) => data_keys.push(key.to_string()),
                None => plain_fields.push(f.clone()),
            }
        }
        Ok(Some(Self {
            automaton,
            entries,
            plain_fields,
            data_keys,
        }))
    }

    fn scan(&self, text: &str) -> Scan {
        let mut scan = Scan::default();
        if text.is_empty() {
            return scan;
        }
        let (folded, map) = fold(text);
        for m in self.automaton.find_overlapping_iter(&folded) {
            let (start, _) = map[m.start()];
            let (_, end) = map[m.end() - 1];
            let (start, end) = (start as usize, end as usize);
            for e in &self.entries[m.pattern().as_usize()] {
                if let Some(word) = &e.exact {
                    if text.get(start..end) != Some(word.as_str()) {
                        continue;
                    }
                }
                scan.worst = scan.worst.max(Some(e.action));
                if e.action == FilterAction::Mask {
                    // Overlapping matches arrive by end offset: extend the last span rather
                    // than keep one per match (a list of nested words could produce millions).
                    match scan.spans.last_mut() {
                        Some(last) if start <= last.1 => {
                            last.0 = last.0.min(start);
                            last.1 = last.1.max(end);
                        }
                        _ => scan.spans.push((start, end)),
                    }
                }
            }
        }
        scan
    }

    /// Scans one field; returns its masked form when it needs one.
    fn field(&self, text: &str, worst: &mut Option<FilterAction>) -> Option<String> {
        let scan = self.scan(text);
        *worst = (*worst).max(scan.worst);
        if scan.spans.is_empty() {
            return None;
        }
        Some(mask(text, scan.spans))
    }

    /// Checks a message: every text element and the configured custom-element fields.
    /// The body is only copied when something in it is masked.
    pub fn check(&self, body: &MsgBody) -> Outcome {
        let mut worst = None;
        // (element, field, masked text)
        let mut edits: Vec<(usize, &str, String)> = Vec::new();
        for (i, el) in body.0.iter().enumerate() {
            let text_field =
                |key: &'static str, worst: &mut Option<FilterAction>| match el.content.get(key) {
                    Some(Value::String(t)) => self.field(t, worst).map(|m| (i, key, m)),
                    _ => None,
                };
            match el.msg_type {
                MsgType::Text => edits.extend(text_field("Text", &mut worst)),
                MsgType::Custom => {
                    for f in &self.plain_fields {
                        if let Some(Value::String(t)) = el.content.get(f.as_str()) {
                            if let Some(m) = self.field(t, &mut worst) {
                                edits.push((i, f.as_str(), m));
                            }
                        }
                    }
                    if !self.data_keys.is_empty() && !self.plain_fields.iter().any(|f| f == "Data")
                    {
                        if let Some(Value::String(data)) = el.content.get("Data") {
                            if let Some(m) = self.data_members(data, &mut worst) {
                                edits.push((i, "Data", m));
                            }
                        }
                    }
                }
                _ => {}
            }
        }
        match worst {
            None => Outcome::Clean,
            Some(FilterAction::Reject) => Outcome::Reject,
            Some(FilterAction::Drop) => Outcome::Drop,
            Some(FilterAction::Mask) if edits.is_empty() => Outcome::Clean,
            Some(FilterAction::Mask) => {
                let mut masked = body.clone();
                for (i, key, text) in edits {
                    masked.0[i]
                        .content
                        .insert(key.to_string(), Value::String(text));
                }
                Outcome::Masked(masked)
            }
        }
    }

    /// Scans the chosen string members of a JSON object held in `Data`; returns the
    /// re-serialized object when one was masked. `Data` that does not start like an object
    /// is left to the plain `Data` field setting; `Data` that starts like one but does not
    /// parse is scanned whole.
    fn data_members(&self, data: &str, worst: &mut Option<FilterAction>) -> Option<String> {
        if !data.trim_start().starts_with('{') {
            return None;
        }
        let Ok(Value::Object(mut obj)) = serde_json::from_str::<Value>(data) else {
            // Looks like an object but is not JSON this parser accepts (a client's parser
            // may be more lenient): the whole text is scanned, so nothing slips through.
            return self.field(data, worst);
        };
        let mut changed = false;
        for key in &self.data_keys {
            if let Some(Value::String(t)) = obj.get_mut(key.as_str()) {
                if let Some(m) = self.field(t, worst) {
                    *t = m;
                    changed = true;
                }
            }
        }
        if !changed {
            return None;
        }
        serde_json::to_string(&Value::Object(obj)).ok()
    }
}

/// Replaces every character inside `spans` with `*`.
fn mask(text: &str, mut spans: Vec<(usize, usize)>) -> String {
    spans.sort_unstable();
    let mut out = String::with_capacity(text.len());
    let mut covered_to = 0;
    let mut spans = spans.into_iter().peekable();
    for (i, c) in text.char_indices() {
        while let Some(&(s, e)) = spans.peek() {
            if e <= i {
                spans.next();
            } else {
                if s <= i {
                    covered_to = covered_to.max(e);
                }
                break;
            }
        }
        out.push(if i < covered_to { '*' } else { c });
    }
    out
}

/// The word filter of `next` when its word lists differ from `current`'s, compiled off
/// the async workers (`Some(None)`: no words any more); `None` when they are the same.
pub(crate) async fn rebuilt(
    current: &liveroom_core::app::AppSettings,
    next: &liveroom_core::app::AppSettings,
) -> Result<Option<Option<std::sync::Arc<WordFilter>>>, liveroom_core::Error> {
    if next.filter == current.filter {
        return Ok(None);
    }
    let lists = next.filter.clone();
    let built = tokio::task::spawn_blocking(move || WordFilter::build(&lists))
        .await
        .map_err(|_| liveroom_core::Error::Internal)?
        .map_err(liveroom_core::Error::InvalidParameter)?;
    Ok(Some(built.map(std::sync::Arc::new)))
}

#[cfg(test)]
mod tests {
    use super::*;
    use liveroom_core::callback::WordList;
    use liveroom_core::message::MsgElement;

    fn filter(lists: Vec<(FilterAction, bool, &[&str])>) -> WordFilter {
        let settings = FilterSettings {
            custom_fields: vec!["Desc".into(), "Data.text".into()],
            lists: lists
                .into_iter()
                .map(|(action, case_fold, words)| WordList {
                    action,
                    case_fold,
                    words: words.iter().map(|w| w.to_string()).collect(),
                })
                .collect(),
        };
        WordFilter::build(&settings)
            .expect("compiles")
            .expect("words")
    }

    fn text(t: &str) -> MsgBody {
        MsgBody(vec![MsgElement::text(t)])
    }

    #[test]
    fn masks_any_case_and_keeps_the_rest() {
        let f = filter(vec![(FilterAction::Mask, true, &["darn", "Ärger"])]);
        assert_eq!(
            f.check(&text("Oh DARN it, ärger!")),
            Outcome::Masked(text("Oh **** it, *****!"))
        );
        assert_eq!(f.check(&text("all fine")), Outcome::Clean);
    }

    #[test]
    fn exact_lists_match_only_the_listed_case() {
        let f = filter(vec![(FilterAction::Reject, false, &["SPAM"])]);
        assert_eq!(f.check(&text("buy SPAM now")), Outcome::Reject);
        assert_eq!(f.check(&text("buy spam now")), Outcome::Clean);
    }

    #[test]
    fn the_strongest_action_wins() {
        let f = filter(vec![
            (FilterAction::Mask, true, &["bad"]),
            (FilterAction::Drop, true, &["worse"]),
            (FilterAction::Reject, true, &["worst"]),
        ]);
        assert!(matches!(f.check(&text("bad")), Outcome::Masked(_)));
        assert_eq!(f.check(&text("bad and worse")), Outcome::Drop);
        assert_eq!(f.check(&text("worse, worst")), Outcome::Reject);
    }

    #[test]
    fn overlapping_words_are_masked_together() {
        let f = filter(vec![(FilterAction::Mask, true, &["abc", "bcd", "c"])]);
        assert_eq!(
            f.check(&text("xabcdx c")),
            Outcome::Masked(text("x****x *"))
        );
    }

    #[test]
    fn custom_fields_are_filtered_as_configured() {
        let f = filter(vec![(FilterAction::Mask, true, &["rude"])]);
        let mut el = MsgElement::custom(r#"{"type":"danmaku","text":"so RUDE","rude":"key"}"#);
        el.content
            .insert("Desc".into(), Value::String("rude desc".into()));
        el.content
            .insert("Ext".into(), Value::String("rude".into()));
        let Outcome::Masked(out) = f.check(&MsgBody(vec![el])) else {
            panic!("masked");
        };
        let c = &out.0[0].content;
        assert_eq!(c["Desc"], "**** desc");
        assert_eq!(c["Ext"], "rude", "Ext is not a chosen field");
        let data: Value = serde_json::from_str(c["Data"].as_str().expect("str")).expect("json");
        assert_eq!(data["text"], "so ****");
        assert_eq!(data["rude"], "key", "only the chosen member");
    }

    #[test]
    fn data_that_does_not_parse_is_scanned_whole() {
        let f = filter(vec![(FilterAction::Reject, true, &["scam"])]);
        for data in [
            r#"{"text":"scam","n":1e999}"#,
            r#"{"text":"scam","z":"\ud800"}"#,
            r#"{"text":"scam""#,
        ] {
            let body = MsgBody(vec![MsgElement::custom(data)]);
            assert_eq!(f.check(&body), Outcome::Reject, "{data}");
        }
    }

    #[test]
    fn nested_mask_words_are_merged() {
        let words: Vec<String> = (1..=64).map(|n| "a".repeat(n)).collect();
        let refs: Vec<&str> = words.iter().map(String::as_str).collect();
        let f = filter(vec![(FilterAction::Mask, true, &refs)]);
        let scan = f.scan(&format!("x{}x", "a".repeat(4000)));
        assert_eq!(scan.spans, [(1, 4001)]);
    }

    #[test]
    fn many_thousands_of_words() {
        let words: Vec<String> = (0..50_000).map(|i| format!("w{i:05}x")).collect();
        let refs: Vec<&str> = words.iter().map(String::as_str).collect();
        let f = filter(vec![(FilterAction::Reject, true, &refs)]);
        assert_eq!(f.check(&text("hello W49999X there")), Outcome::Reject);
        assert_eq!(f.check(&text("hello w5000 there")), Outcome::Clean);
    }
}
