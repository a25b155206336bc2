//! The classroom demo's entry point: the same core, recording into memory inside an ordinary web page, so
//! students who cannot install anything see their clicks counted by the same rules and ledger.

use crate::{error_reply, from_js, to_js, Error};
use digitus::api::{Core, Request, Sender};
use digitus::store::MemoryStore;
use futures::lock::Mutex;
use std::rc::Rc;
use wasm_bindgen::prelude::*;

struct Demo {
    core: Core,
    store: MemoryStore,
}

thread_local! {
    static DEMO: Rc<Mutex<Option<Demo>>> = Rc::new(Mutex::new(None));
}

/// Handles a message from the demo page's sensor or counters, as the background would for an extension.
/// Resolves to the answer, or to `{error, code}`.
#[wasm_bindgen]
pub async fn demo_message(message: JsValue, page_url: String) -> JsValue {
    let result: Result<JsValue, Error> = async {
        let request: Request = from_js(message).map_err(|e| digitus::Error::BadInput(format!("message: {e}")))?;
        let cell = DEMO.with(Rc::clone);
        let mut guard = cell.lock().await;
        if guard.is_none() {
            let store = MemoryStore::new();
            let core = Core::load_with_entropy(&store, crate::transfer::crypto_entropy).await?;
            *guard = Some(Demo { core, store });
        }
        let demo = guard.as_mut().expect("unreachable: initialised just above");
        demo.core.settle_due(&demo.store, js_sys::Date::now()).await?;
        let is_sense = matches!(request, Request::Sense { .. });
        let sender = Sender { content_script: is_sense, tab_url: Some(page_url), incognito: false };
        to_js(&demo.core.handle(&demo.store, &sender, request).await?)
    }
    .await;
    result.unwrap_or_else(|e| error_reply(&e))
}
