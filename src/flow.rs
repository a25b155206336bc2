//! One act, one count: a report or a rating that spans a menu, a dialog and a submit is counted once.
//!
//! ```text
//!  menu "Report" (choice) ──▶ dialog: reasons (no labour) ──▶ "Submit report" (commit)
//!        counts, opens a flow                                  same kind, within FLOW_WINDOW_MS,
//!                                                              in the choice's form/dialog or after a
//!                                                              choice made outside any: absorbed, flow closed
//!  star 4 (choice) ──▶ star 5 (choice: replaces 4 in the ledger) ──▶ "Submit rating" (commit): absorbed
//! ```
//! The act is counted at the choice, so a tab closed or a page that navigates before the commitment
//! loses nothing; the commitment adds nothing. A commit with no open choice (a one-step report button)
//! counts. Changing a report's choice in its dialog before committing ("Report as spam", then "Report as
//! abuse") counts nothing extra; two report buttons outside any dialog are two reports;
//! stars on different items are different ratings (the ledger replaces stars of the same group).
//!
//! Flows are kept per tab and site in the settings store, one key like the
//! CAPTCHA sessions, so a stopped service worker loses nothing. Only reports and ratings open flows: a
//! like is one click.

use crate::classify::{Judgement, Stage};
use crate::error::{Error, Result};
use crate::model::{Effect, Kind, Labour};
use crate::store::Store;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// Setting that holds the open flows, keyed `"<tab> <site>:<kind>"`.
pub const FLOWS_KEY: &str = "judge-flows";
/// A commitment this long after its choice is an act of its own.
pub const FLOW_WINDOW_MS: f64 = 3.0 * 60_000.0;

/// An act of a flow kind, open or committed, in one tab.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Flow {
    pub kind: Kind,
    /// Time of the last act of the flow, ms.
    pub time: f64,
    /// The form or dialog the choice was made in (`None`: a menu or the page).
    pub scope: Option<String>,
    pub committed: bool,
    /// Observation ids that opened or joined the flow, and whether each was counted: a sensor's retry
    /// gets the same answer.
    pub seen: Vec<(String, bool)>,
}

/// One act as the flow sees it.
#[derive(Debug, Clone, Copy)]
pub struct Act<'a> {
    pub id: &'a str,
    pub kind: Kind,
    pub stage: Stage,
    pub scope: Option<&'a str>,
    pub time: f64,
}

/// Kinds whose acts span several steps.
pub fn is_flow_kind(kind: Kind) -> bool {
    matches!(kind, Kind::Report | Kind::Rating)
}

/// Whether an act counts, and the flow it leaves. Pure.
pub fn step(open: Option<Flow>, act: &Act) -> (bool, Option<Flow>) {
    if let Some(flow) = &open {
        if let Some((_, counted)) = flow.seen.iter().find(|(id, _)| id == act.id) {
            return (*counted, open.clone());
        }
    }
    let live = open.filter(|f| f.kind == act.kind && act.time - f.time <= FLOW_WINDOW_MS && act.time >= f.time - 1_000.0);
    let joins = live.as_ref().is_some_and(|f| {
        !f.committed
            && match act.stage {
                // The commitment of a choice made in the same form or dialog, or of one made outside any.
                Stage::Commit => f.scope.is_none() || f.scope.as_deref() == act.scope,
                // Another report reason chosen in the dialog before committing; stars are replaced by the
                // ledger instead, and a report chosen outside any dialog is a report of its own.
                Stage::Choice => act.kind == Kind::Report && act.scope.is_some(),
            }
    });
    let counted = !joins;
    let mut flow = match (joins, live) {
        (true, Some(f)) => f,
        _ => Flow { kind: act.kind, time: act.time, scope: act.scope.map(String::from), committed: false, seen: Vec::new() },
    };
    flow.time = act.time;
    flow.committed = act.stage == Stage::Commit;
    flow.seen.push((act.id.to_string(), counted));
    if flow.seen.len() > 16 {
        flow.seen.remove(0);
    }
    (counted, Some(flow))
}

async fn load<S: Store>(store: &S) -> Result<BTreeMap<String, Flow>> {
    match store.setting(FLOWS_KEY).await? {
        Some(json) => serde_json::from_str(&json).map_err(|e| Error::Storage(format!("{FLOWS_KEY}: {e}"))),
        None => Ok(BTreeMap::new()),
    }
}

/// Forgets the open flows on `site` (or every one), when the user forgets a site or deletes everything.
pub async fn forget<S: Store>(store: &S, site: Option<&str>) -> Result<usize> {
    let mut flows = load(store).await?;
    let before = flows.len();
    // Keys are "<tab> <site>:<kind>".
    let site_of_key = |key: &str| key.split_once(' ').map(|(_, rest)| rest.rsplit_once(':').map_or(rest, |(s, _)| s).to_string());
    flows.retain(|key, _| site.is_some_and(|s| site_of_key(key).as_deref() != Some(s)));
    if flows.len() != before {
        store.put_setting(FLOWS_KEY, &serde_json::to_string(&flows)?).await?;
    }
    Ok(before - flows.len())
}

/// Splits a judgement's labour into what counts and what joins an open flow (and is therefore already
/// counted), and keeps the flows of `tab`. Touches the store only for reports and ratings.
pub async fn settle<S: Store>(store: &S, tab: &str, id: &str, time: f64, judgement: &Judgement) -> Result<(Vec<Labour>, usize)> {
    let in_flow = |l: &Labour| l.effect == Effect::Add && is_flow_kind(l.kind);
    if !judgement.labours.iter().any(in_flow) {
        return Ok((judgement.labours.clone(), 0));
    }
    let mut flows = load(store).await?;
    let before = flows.clone();
    let mut counted = Vec::new();
    let mut absorbed = 0;
    for labour in &judgement.labours {
        if !in_flow(labour) {
            counted.push(labour.clone());
            continue;
        }
        let key = format!("{tab}:{}", labour.kind.as_str());
        let act = Act { id, kind: labour.kind, stage: judgement.stage, scope: judgement.scope.as_deref(), time };
        let (counts, flow) = step(flows.remove(&key), &act);
        if let Some(flow) = flow {
            flows.insert(key, flow);
        }
        if counts {
            counted.push(labour.clone());
        } else {
            absorbed += 1;
        }
    }
    // Flows of closed tabs go when the setting is rewritten anyway.
    flows.retain(|_, f| time - f.time <= FLOW_WINDOW_MS);
    if flows != before {
        store.put_setting(FLOWS_KEY, &serde_json::to_string(&flows)?).await?;
    }
    Ok((counted, absorbed))
}
