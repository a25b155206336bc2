//! The classroom demo's entry point: the same core, recording into memory inside an ordinary web page, so
//! students who cannot install anything see their clicks counted by the same rules and ledger.
//!
//! The lab's own image-labelling CAPTCHA runs `captcha.js` as a page script. Its sightings are judged by
//! the core's CAPTCHA sessions like any provider's, as coming from [`LAB_CAPTCHA_FRAME`]: the frame of the
//! `digitus_lab` provider in data/captcha.json (a reserved `.invalid` host, so it matches no real page).

use crate::{error_reply, from_js, to_js, Error};
use digitus::api::{Core, Request, Sender, SenderFrame};
use digitus::store::MemoryStore;
use futures::lock::Mutex;
use std::rc::Rc;
use wasm_bindgen::prelude::*;

struct Demo {
    core: Core,
    store: MemoryStore,
}

/// The frame the lab's CAPTCHA widget speaks for (data/captcha.json, provider `digitus_lab`).
pub const LAB_CAPTCHA_FRAME: &str = "https://lab.digitus.invalid/captcha/";
/// The lab is one page: one "tab" for CAPTCHA sessions.
const LAB_TAB: i64 = 1;

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
        let from_sensor = matches!(request, Request::Sense { .. } | Request::Captcha { .. } | Request::CaptchaWatch);
        let frame = match request {
            Request::Captcha { .. } | Request::CaptchaWatch => {
                SenderFrame { tab_id: Some(LAB_TAB), url: Some(LAB_CAPTCHA_FRAME.to_string()) }
            }
            _ => SenderFrame::default(),
        };
        let sender = Sender { content_script: from_sensor, tab_url: Some(page_url), incognito: false };
        to_js(&demo.core.handle_from(&demo.store, &sender, &frame, request).await?)
    }
    .await;
    result.unwrap_or_else(|e| error_reply(&e))
}
