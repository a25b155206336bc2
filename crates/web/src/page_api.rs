//! The pages module's answer to extension pages: every message type the recording module does not answer
//! (`digitus::api::RECORDING_TYPES`): the history, the valuation, studies, saving settings. The background
//! loads this module only when a page asks, so the worker that wakes on every page a person opens carries
//! none of it. Same IndexedDB, same checks (sender, audience) as the recording module.

use crate::idb::{IdbStore, DB_NAME};
use crate::{error_reply, from_js, to_js, Result};
use digitus::api::{BrowserSender, Core, Request};
use futures::lock::Mutex;
use std::rc::Rc;
use wasm_bindgen::prelude::*;

struct Pages {
    core: Core,
    store: IdbStore,
}

thread_local! {
    static PAGES: Rc<Mutex<Option<Pages>>> = Rc::new(Mutex::new(None));
}

/// Answers one page message; resolves to the answer, or to `{error, code}` for anything refused
/// (including a message of the recording module's types: the background routes those there).
#[wasm_bindgen]
pub async fn handle_page_message(message: JsValue, sender: JsValue) -> JsValue {
    match handle(message, sender).await {
        Ok(v) => v,
        Err(e) => {
            gloo::console::warn!(format!("Digitus refused a message: {e}"));
            error_reply(&e)
        }
    }
}

async fn handle(message: JsValue, sender: JsValue) -> Result<JsValue> {
    let (sender, _frame) = from_js::<BrowserSender>(sender)?.authenticate()?;
    let request: Request = from_js(message).map_err(|e| digitus::Error::BadInput(format!("message: {e}")))?;
    let cell = PAGES.with(Rc::clone);
    let mut guard = cell.lock().await;
    if guard.is_none() {
        // Study participant ids come from crypto.randomUUID (the core has no entropy of its own on wasm).
        digitus::research::set_random_source(crate::transfer::random_id);
        let store = IdbStore::open(DB_NAME).await?;
        // The background loads the recording module's core first, so the install's item secret exists.
        let core = Core::load_with_entropy(&store, crate::transfer::crypto_entropy).await?;
        *guard = Some(Pages { core, store });
    }
    let pages = guard.as_mut().expect("unreachable: initialised just above");
    to_js(&pages.core.handle_pages(&pages.store, &sender, request).await?)
}
