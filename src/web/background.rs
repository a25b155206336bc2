//! The background's single entry point: `handle_message(message, sender)`, called by
//! `extension/background.js` for every runtime message. Messages are handled one at a time, because the
//! ledger reads an item's state and then writes it.

use super::idb::{IdbStore, DB_NAME};
use super::{from_js, to_js};
use crate::api::{Core, Request, Sender, SenderFrame};
use crate::error::Error;
use futures::lock::Mutex;
use serde::Deserialize;
use std::rc::Rc;
use wasm_bindgen::prelude::*;

/// The sender as `background.js` copies it from the browser's `runtime.MessageSender`.
#[derive(Deserialize)]
struct RawSender {
    /// `sender.id`
    id: Option<String>,
    /// `chrome.runtime.id`
    own_id: String,
    /// `sender.url`
    url: Option<String>,
    /// `sender.tab?.url` (or the frame's own URL when the browser hides the tab's)
    tab_url: Option<String>,
    /// Whether the sender is in a tab (content scripts, and extension pages opened as tabs).
    #[serde(default)]
    in_tab: bool,
    #[serde(default)]
    incognito: bool,
    /// `sender.tab?.id`
    #[serde(default)]
    tab_id: Option<i64>,
}

struct Background {
    core: Core,
    store: IdbStore,
}

thread_local! {
    // Rebuilt on every service-worker wake: it caches settings, never counts.
    static BACKGROUND: Rc<Mutex<Option<Background>>> = Rc::new(Mutex::new(None));
}

fn error_reply(e: &Error) -> JsValue {
    to_js(&serde_json::json!({ "error": e.to_string() })).unwrap_or(JsValue::NULL)
}

/// Handles one runtime message; resolves to the answer, or to `{error}` for anything refused.
#[wasm_bindgen]
pub async fn handle_message(message: JsValue, sender: JsValue) -> JsValue {
    match handle(message, sender).await {
        Ok(v) => v,
        Err(e) => error_reply(&e),
    }
}

async fn handle(message: JsValue, sender: JsValue) -> Result<JsValue, Error> {
    let raw: RawSender = from_js(sender)?;
    if raw.id.as_deref() != Some(raw.own_id.as_str()) {
        return Err(Error::BadInput("message from another extension or a web page".into()));
    }
    let own_origin = raw.url.as_deref().is_some_and(|u| {
        u.starts_with("chrome-extension://") || u.starts_with("moz-extension://")
    });
    let sender = Sender { content_script: raw.in_tab && !own_origin, tab_url: raw.tab_url, incognito: raw.incognito };
    let frame = SenderFrame { tab_id: raw.tab_id, url: raw.url };
    let request: Request = from_js(message).map_err(|e| Error::BadInput(format!("message: {e}")))?;

    let cell = BACKGROUND.with(Rc::clone);
    let mut guard = cell.lock().await;
    if guard.is_none() {
        let store = IdbStore::open(DB_NAME).await?;
        let core = Core::load(&store).await?;
        super::transfer::on_wake(&store, &core).await;
        *guard = Some(Background { core, store });
    }
    let bg = guard.as_mut().expect("unreachable: initialised just above");
    let answer = bg.core.handle_from(&bg.store, &sender, &frame, request).await?;
    to_js(&answer)
}
