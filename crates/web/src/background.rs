//! The background's recording module: `handle_message(message, sender)`, called by
//! `extension/background.js` for every runtime message whose type `recording_answers` (sensor reports,
//! settling, settings, status, deletions, retention, the badge's count; `digitus::api::RECORDING_TYPES`).
//! The background hands every other message to the pages module (`page_api`), loaded only when a page
//! asks, and calls `reload_settings` after that module saved settings. Messages are handled one at a
//! time, because the ledger reads an item's state and then writes it.

use crate::idb::{IdbStore, DB_NAME};
use crate::{read_message, reply, to_js, Result};
use digitus::api::{Core, RecordingRequest};
use futures::lock::Mutex;
use std::rc::Rc;
use wasm_bindgen::prelude::*;

struct Background {
    core: Core,
    store: IdbStore,
}

thread_local! {
    // Rebuilt on every service-worker wake: it caches settings, never counts.
    static BACKGROUND: Rc<Mutex<Option<Background>>> = Rc::new(Mutex::new(None));
}

/// Handles one runtime message; resolves to the answer, or to `{error, code}` for anything refused.
#[wasm_bindgen]
pub async fn handle_message(message: JsValue, sender: JsValue) -> JsValue {
    reply(handle(message, sender).await)
}

async fn handle(message: JsValue, sender: JsValue) -> Result<JsValue> {
    let (sender, frame, request) = read_message::<RecordingRequest>(message, sender)?;

    let cell = BACKGROUND.with(Rc::clone);
    let mut guard = cell.lock().await;
    if guard.is_none() {
        let store = IdbStore::open(DB_NAME).await?;
        let core = Core::load_with_entropy(&store, crate::transfer::crypto_entropy).await?;
        crate::transfer::on_wake(&store, &core).await;
        *guard = Some(Background { core, store });
    }
    let bg = guard.as_mut().expect("unreachable: initialised just above");
    // Provisional acts whose second report never came are settled before anything else is answered.
    if let Err(e) = bg.core.settle_due(&bg.store, js_sys::Date::now()).await {
        gloo::console::warn!(format!("Digitus could not settle held acts: {e}"));
    }
    let content_script = sender.content_script;
    let answer = bg.core.handle_recording(&bg.store, &sender, &frame, request).await?;
    // A content script (maybe a compromised renderer) gets back only what it needs to stop retrying.
    let answer = if content_script { digitus::api::content_script_answer(answer) } else { answer };
    to_js(&answer)
}

/// Whether `handle_message` answers messages of this `type` (else the pages module does).
#[wasm_bindgen]
pub fn recording_answers(message_type: Option<String>) -> bool {
    message_type.is_some_and(|t| digitus::api::answered_by_recording(&t))
}

/// Reads the settings again: the pages module saved new ones (`set_settings`). Nothing to do before the
/// first message, which reads them anyway.
#[wasm_bindgen]
pub async fn reload_settings() {
    let cell = BACKGROUND.with(Rc::clone);
    let mut guard = cell.lock().await;
    if let Some(bg) = guard.as_mut() {
        if let Err(e) = bg.core.reload_settings(&bg.store).await {
            gloo::console::warn!(format!("Digitus could not reload its settings: {e}"));
        }
    }
}
