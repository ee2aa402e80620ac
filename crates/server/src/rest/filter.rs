//! `liveroom_ext` word filter: the app's word lists, read and replaced whole, or words
//! added and removed.

use serde::{Deserialize, Serialize};
use serde_json::Value;
use std::collections::HashSet;

use liveroom_core::callback::{FilterAction, FilterSettings, WordList};
use liveroom_core::Error;

use super::apps::update_settings;
use super::{parse, Cx};

#[derive(Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct Filter {
    filter: FilterSettings,
    word_count: usize,
}

/// How many words the app's lists hold, after a change.
#[derive(Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct WordCount {
    word_count: usize,
}

impl WordCount {
    fn of(cx: &Cx) -> Self {
        Self {
            word_count: cx.app.settings().filter.word_count(),
        }
    }
}

/// POST /v4/liveroom_ext/get_word_filter
pub async fn get_word_filter(cx: &Cx, _body: Value) -> Result<Filter, Error> {
    let filter = cx.app.settings().filter.clone();
    Ok(Filter {
        word_count: filter.word_count(),
        filter,
    })
}

#[derive(Deserialize)]
struct SetFilter {
    #[serde(rename = "Filter")]
    filter: FilterSettings,
}

/// POST /v4/liveroom_ext/set_word_filter
///
/// Replaces the whole filter: `{"Filter": {"custom_fields": [...], "lists": [...]}}`.
pub async fn set_word_filter(cx: &Cx, body: Value) -> Result<WordCount, Error> {
    let req: SetFilter = parse(body)?;
    update_settings(cx, |s| {
        s.filter = req.filter;
        Ok(())
    })
    .await?;
    Ok(WordCount::of(cx))
}

#[derive(Deserialize)]
struct AddWords {
    #[serde(rename = "Action")]
    action: FilterAction,
    #[serde(rename = "CaseFold", default = "yes")]
    case_fold: bool,
    #[serde(rename = "Words")]
    words: Vec<String>,
}

fn yes() -> bool {
    true
}

/// POST /v4/liveroom_ext/add_filter_words
///
/// Adds words to the list with this `Action` and `CaseFold` (created if absent); words
/// already there are kept once.
pub async fn add_filter_words(cx: &Cx, body: Value) -> Result<WordCount, Error> {
    let req: AddWords = parse(body)?;
    update_settings(cx, |s| {
        let lists = &mut s.filter.lists;
        let i = match lists
            .iter()
            .position(|l| l.action == req.action && l.case_fold == req.case_fold)
        {
            Some(i) => i,
            None => {
                lists.push(WordList {
                    action: req.action,
                    case_fold: req.case_fold,
                    words: Vec::new(),
                });
                lists.len() - 1
            }
        };
        let list = &mut lists[i];
        let mut known: HashSet<String> = list.words.iter().cloned().collect();
        for w in req.words {
            if known.insert(w.clone()) {
                list.words.push(w);
            }
        }
        Ok(())
    })
    .await?;
    Ok(WordCount::of(cx))
}

#[derive(Deserialize)]
struct DeleteWords {
    #[serde(rename = "Words")]
    words: Vec<String>,
}

/// POST /v4/liveroom_ext/delete_filter_words
///
/// Removes the words from every list; empty lists go too.
pub async fn delete_filter_words(cx: &Cx, body: Value) -> Result<WordCount, Error> {
    let req: DeleteWords = parse(body)?;
    let gone: HashSet<String> = req.words.into_iter().collect();
    update_settings(cx, |s| {
        for l in s.filter.lists.iter_mut() {
            l.words.retain(|w| !gone.contains(w));
        }
        s.filter.lists.retain(|l| !l.words.is_empty());
        Ok(())
    })
    .await?;
    Ok(WordCount::of(cx))
}
