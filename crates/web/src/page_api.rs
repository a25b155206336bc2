//! The pages module's answer to extension pages: every message type the recording module does not answer
//! (`digitus::api::RECORDING_TYPES`): the history, the valuation, studies, saving settings. The background
//! loads this module only when a page asks, so the worker that wakes on every page a person opens carries
//! none of it. Same IndexedDB, same checks (sender, audience) as the recording module.

use crate::idb::{IdbStore, DB_NAME};
use crate::{read_message, reply, to_js, Result};
use digitus::api::{Core, Request};
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
    reply(handle(message, sender).await)
}

async fn handle(message: JsValue, sender: JsValue) -> Result<JsValue> {
    let (sender, _frame, request) = read_message::<Request>(message, sender)?;
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
