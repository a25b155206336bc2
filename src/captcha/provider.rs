//! Provider knowledge: which frames belong to which CAPTCHA provider, what to watch in them, and which
//! response fields they fill on the host page (data/captcha.json, loaded by the one data loader).

use crate::error::{Error, Result};
use crate::site::host_of;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use std::sync::OnceLock;

/// The provider rule file, compiled in.
pub const RULES_JSON: &str = include_str!("../../data/captcha.json");
/// Current version of the provider rule file format.
pub const RULES_FORMAT: u32 = 1;

// ───────────────────────────── provider rules (data) ─────────────────────────────

/// A test on an element's reported attributes: a class token present, or an attribute with a value.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AttrTest {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub class: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub attr: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub value: Option<String>,
}

impl AttrTest {
    pub fn holds(&self, attrs: &BTreeMap<String, String>) -> bool {
        if let Some(class) = &self.class {
            if !attrs.get("class").is_some_and(|c| c.split_ascii_whitespace().any(|t| t == class)) {
                return false;
            }
        }
        if let Some(attr) = &self.attr {
            let got = attrs.get(attr);
            match &self.value {
                Some(v) if got != Some(v) => return false,
                None if got.is_none() => return false,
                _ => {}
            }
        }
        self.class.is_some() || self.attr.is_some()
    }
}

/// Frames of a provider: a host (or any subdomain of it) and a path prefix.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FrameSpec {
    pub hosts: Vec<String>,
    pub paths: Vec<String>,
}

/// CSS selectors `captcha.js` uses in a provider frame. Sent to the content script as they are.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Watch {
    pub checkbox: Option<String>,
    pub challenge: Option<String>,
    pub instructions: Option<String>,
    /// The element naming the object inside the instructions (reCAPTCHA's `strong`).
    pub object: Option<String>,
    pub grid: Option<String>,
    pub tile: Option<String>,
    pub verify: Option<String>,
    pub audio_button: Option<String>,
    pub audio_challenge: Option<String>,
    /// Error messages by the name the core knows them by; their becoming visible is reported.
    #[serde(default)]
    pub errors: BTreeMap<String, String>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Provider {
    pub id: String,
    pub frames: Vec<FrameSpec>,
    /// Names of the host page's response fields that the provider fills on success.
    pub fields: Vec<String>,
    /// Closed widgets: any trusted click in the frame is the interaction.
    pub any_click_interacts: bool,
    pub watch: Option<Watch>,
    pub tile_selected: Option<AttrTest>,
    /// Tiles that fade and reload with a new image once clicked (reCAPTCHA dynamic 3×3).
    pub tile_dynamic: Option<AttrTest>,
    pub checked: Option<AttrTest>,
    /// Markers after which the object is named in an instruction's text ("… containing a bicycle").
    pub object_after: Vec<String>,
    #[serde(default, skip_serializing)]
    pub comment: Option<String>,
}

impl Provider {
    fn frame_matches(&self, host: &str, path: &str) -> bool {
        self.frames.iter().any(|f| {
            f.hosts.iter().any(|h| host == h || host.strip_suffix(h.as_str()).is_some_and(|s| s.ends_with('.')))
                && f.paths.iter().any(|p| path.starts_with(p.as_str()))
        })
    }
}

#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct RulesFile {
    #[serde(rename = "$schema", default)]
    #[allow(dead_code)]
    schema: Option<String>,
    #[allow(dead_code)]
    format: u32,
    version: u32,
    #[serde(default)]
    #[allow(dead_code)]
    comment: Option<String>,
    providers: Vec<Provider>,
}

impl crate::data::DataFile for RulesFile {
    const WHAT: &'static str = "CAPTCHA provider";
    const FORMAT: u32 = RULES_FORMAT;

    fn check(&self) -> Result<()> {
        for p in &self.providers {
            if p.frames.is_empty() || p.frames.iter().any(|f| f.hosts.is_empty() || f.paths.is_empty()) {
                return Err(Error::BadRule(format!("{} needs frames with hosts and paths", p.id)));
            }
            if p.watch.is_none() && !p.any_click_interacts {
                return Err(Error::BadRule(format!("{} has nothing to watch and no click rule", p.id)));
            }
        }
        Ok(())
    }
}

/// The parsed provider rules.
#[derive(Debug, Clone)]
pub struct Rules {
    pub version: u32,
    pub providers: Vec<Provider>,
}

impl Rules {
    pub fn parse(json: &str) -> Result<Rules> {
        let file: RulesFile = crate::data::load("data/captcha.json", json)?;
        Ok(Rules { version: file.version, providers: file.providers })
    }

    /// The bundled rules: `data/captcha.json` as build.rs baked it into Rust values (checked by tests, and
    /// compared with the file loaded from JSON in `src/data.rs`), so the module carries no JSON parser for it.
    pub fn bundled() -> &'static Rules {
        static RULES: OnceLock<Rules> = OnceLock::new();
        RULES.get_or_init(|| {
            let file = Rules::baked_file();
            Rules { version: file.version, providers: file.providers }
        })
    }

    /// `data/captcha.json` as build.rs baked it into static data (`data::baked`), converted.
    pub(crate) fn baked_file() -> RulesFile {
        use crate::data::baked::{self, opt, pairs, strings};
        static FILE: baked::Captcha = include!(concat!(env!("OUT_DIR"), "/captcha_baked.rs"));
        let attr_test = |t: &baked::AttrTest| AttrTest { class: opt(t.class), attr: opt(t.attr), value: opt(t.value) };
        let provider = |p: &baked::Provider| Provider {
            id: p.id.to_string(),
            frames: p.frames.iter().map(|f| FrameSpec { hosts: strings(f.hosts), paths: strings(f.paths) }).collect(),
            fields: strings(p.fields),
            any_click_interacts: p.any_click_interacts,
            watch: p.watch.as_ref().map(|w| Watch {
                checkbox: opt(w.checkbox),
                challenge: opt(w.challenge),
                instructions: opt(w.instructions),
                object: opt(w.object),
                grid: opt(w.grid),
                tile: opt(w.tile),
                verify: opt(w.verify),
                audio_button: opt(w.audio_button),
                audio_challenge: opt(w.audio_challenge),
                errors: pairs(w.errors),
            }),
            tile_selected: p.tile_selected.as_ref().map(attr_test),
            tile_dynamic: p.tile_dynamic.as_ref().map(attr_test),
            checked: p.checked.as_ref().map(attr_test),
            object_after: strings(p.object_after),
            comment: None, // documentation stays in the JSON file
        };
        let f = &FILE;
        RulesFile { schema: None, format: f.format, version: f.version, comment: None, providers: f.providers.iter().map(provider).collect() }
    }

    pub fn provider(&self, id: &str) -> Option<&Provider> {
        self.providers.iter().find(|p| p.id == id)
    }

    /// The provider whose frame this URL is (the browser's URL of the sending frame).
    pub fn provider_of_frame(&self, url: &str) -> Option<&Provider> {
        if !url.starts_with("https://") {
            return None;
        }
        let host = host_of(url)?;
        let rest = &url["https://".len()..];
        let path = rest.find('/').map_or("/", |i| &rest[i..]);
        self.providers.iter().find(|p| p.frame_matches(&host, path))
    }

    pub fn provider_of_field(&self, name: &str) -> Option<&Provider> {
        self.providers.iter().find(|p| p.fields.iter().any(|f| f == name))
    }

    /// What a content script should watch in the frame at `frame_url` (the answer to `captcha_watch`).
    pub fn watch_for(&self, frame_url: Option<&str>) -> WatchAnswer {
        let provider = frame_url.and_then(|u| self.provider_of_frame(u));
        WatchAnswer {
            provider: provider.map(|p| p.id.clone()),
            any_click: provider.is_some_and(|p| p.any_click_interacts),
            watch: provider.and_then(|p| p.watch.clone()),
            fields: self.providers.iter().flat_map(|p| p.fields.iter().cloned()).collect(),
        }
    }
}

/// Answer to `{type: "captcha_watch"}`.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct WatchAnswer {
    /// The provider this frame belongs to, `null` for any other frame.
    pub provider: Option<String>,
    pub any_click: bool,
    pub watch: Option<Watch>,
    /// Response fields host pages may hold (for `captcha-field.js`).
    pub fields: Vec<String>,
}

#[cfg(test)]
impl RulesFile {
    /// The file without its documentation fields, which the baked data leaves out.
    pub(crate) fn without_docs(self) -> RulesFile {
        let providers = self.providers.into_iter().map(|p| Provider { comment: None, ..p }).collect();
        RulesFile { schema: None, comment: None, providers, ..self }
    }
}
