//! The three valuation methods against hand-computed cases (the expected values are written out from the
//! published figures, not read back from the data file), currency conversion, the wage override, the
//! timeline, and the API's refusals with their codes.

use digitus::api::{Core, RecordingRequest, Request, Sender, Settings};
use digitus::model::Kind;
use digitus::store::{day_start_ms, Bucket, MemoryStore, Rollup, Totals};
use digitus::valuation::{timeline, Method, Period, TimeUnit, Valuation, ValueAnswer, ValueQuery, WageChoice};
use futures::executor::block_on;
use serde_json::{json, Value};

/// ECB reference rates of 2 January 2026 and the other dated rates in data/valuation.json.
const USD: f64 = 1.1721;
const GBP: f64 = 0.8719;
const MGA: f64 = 4993.0;
const QUARTER_DAYS: f64 = 365.25 / 4.0;

fn rollup(day: &str, site: &str, kind: Kind, count: i64, ms: i64, measured_ms: i64) -> Rollup {
    Rollup {
        bucket: Bucket { day: day.into(), site: site.into(), kind },
        totals: Totals { count, ms, measured_ms, ..Totals::default() },
    }
}

fn query(currency: &str, country: &str) -> ValueQuery {
    ValueQuery {
        period: Period::default(),
        site: None,
        currency: currency.into(),
        country: country.into(),
        wage: WageChoice::Minimum,
        labour_share: None,
    }
}

fn method(answer: &ValueAnswer, id: Method) -> (f64, f64) {
    let m = answer.methods.iter().find(|m| m.id == id).expect("every method is answered");
    (m.low, m.high)
}

fn close(actual: f64, expected: f64) {
    assert!((actual - expected).abs() <= 1e-9 * expected.abs().max(1.0), "{actual} ≠ {expected}");
}

#[test]
fn market_prices_each_kind_by_its_low_and_high_price_per_act() {
    let rollups = [
        rollup("2026-11-02", "youtube.com", Kind::Like, 10, 0, 0),
        rollup("2026-11-02", "example.org", Kind::Captcha, 2, 0, 0),
        rollup("2026-11-03", "amazon.com", Kind::Review, 1, 0, 0),
    ];
    let answer = Valuation::bundled().value(&rollups, &query("EUR", "FR")).unwrap();
    // Likes: €0.89 per 1,000 bought engagements (NATO StratCom 2020) to $0.10 a paid vote (Le Monde 2021).
    // CAPTCHAs: $0.5 (Anti-Captcha, images) to $2.99 (2Captcha, reCAPTCHA v2) per 1,000 human solves.
    // Reviews: $0.0405 (72.9 s at $2/h, MTurk median) to £5 (Which? 2021, fake review).
    let low = 10.0 * 0.89 / 1000.0 + 2.0 * 0.5 / 1000.0 / USD + 0.0405 / USD;
    let high = 10.0 * 0.10 / USD + 2.0 * 2.99 / 1000.0 / USD + 5.0 / GBP;
    let (l, h) = method(&answer, Method::Market);
    close(l, low);
    close(h, high);
    assert_eq!(answer.events, 13);
    assert_eq!(answer.paid, 0);
    assert_eq!(answer.currency, "EUR");
    let market = &answer.methods[0];
    for id in ["market.likes_bought_2020", "market.paid_vote", "market.fake_review", "rate.USD", "rate.GBP"] {
        assert!(market.parameters.iter().any(|p| p.id == id), "market lists {id}");
    }
    for p in &market.parameters {
        assert!(!p.source.citation.is_empty() && !p.year.is_empty() && !p.region.is_empty(), "{} has its source", p.id);
    }
}

#[test]
fn wage_prices_measured_seconds_exactly_and_modelled_seconds_with_the_model_error() {
    // 100 s of labour, 40 s of it measured: 60 s modelled, ± 21 % (Card, Moran & Newell 1980).
    let rollups = [rollup("2026-11-02", "reddit.com", Kind::Like, 20, 100_000, 40_000)];
    let fr = Valuation::bundled().value(&rollups, &query("EUR", "FR")).unwrap();
    let (l, h) = method(&fr, Method::Wage);
    close(l, (40.0 + 60.0 * 0.79) * 12.02 / 3600.0); // SMIC 2026, €12.02 an hour
    close(h, (40.0 + 60.0 * 1.21) * 12.02 / 3600.0);
    close(fr.seconds, 100.0);
    close(fr.seconds_measured, 40.0);

    // Madagascar: MGA 262,680 a month ÷ 173.33 h = MGA 1,515.49 an hour, shown in euros at 4,993 MGA/€.
    let mg = Valuation::bundled().value(&rollups, &query("EUR", "MG")).unwrap();
    close(method(&mg, Method::Wage).0, (40.0 + 60.0 * 0.79) * 1515.49 / MGA / 3600.0);
    // The same in US dollars: through the euro.
    let usd = Valuation::bundled().value(&rollups, &query("USD", "MG")).unwrap();
    close(method(&usd, Method::Wage).1, (40.0 + 60.0 * 1.21) * 1515.49 / MGA * USD / 3600.0);
    // The micro-work median: $2.16 an hour (ILO 2018).
    let micro = Valuation::bundled().value(&rollups, &ValueQuery { wage: WageChoice::Microwork, ..query("USD", "FR") }).unwrap();
    close(method(&micro, Method::Wage).1, (40.0 + 60.0 * 1.21) * 2.16 / 3600.0);
}

#[test]
fn doubling_the_wage_doubles_the_wage_range_and_nothing_else() {
    let rollups = [
        rollup("2026-11-02", "reddit.com", Kind::Like, 20, 53_000, 0),
        rollup("2026-11-02", "reddit.com", Kind::Captcha, 1, 30_000, 30_000),
    ];
    let own = |amount: f64| ValueQuery { wage: WageChoice::Own { amount, currency: "USD".into() }, ..query("EUR", "FR") };
    let once = Valuation::bundled().value(&rollups, &own(10.0)).unwrap();
    let twice = Valuation::bundled().value(&rollups, &own(20.0)).unwrap();
    let (l1, h1) = method(&once, Method::Wage);
    let (l2, h2) = method(&twice, Method::Wage);
    close(l2, 2.0 * l1);
    close(h2, 2.0 * h1);
    close(h1, (30.0 + 53.0 * 1.21) * 10.0 / USD / 3600.0);
    assert_eq!(method(&once, Method::Market), method(&twice, Method::Market));
    assert_eq!(method(&once, Method::Revenue), method(&twice, Method::Revenue));
    let wage = &once.methods[1].parameters[0];
    assert_eq!((wage.id.as_str(), wage.value, wage.currency.as_deref()), ("wage.own", 10.0, Some("USD")));
}

#[test]
fn revenue_credits_a_share_of_revenue_per_user_for_the_days_active_on_each_platform() {
    let rollups = [
        rollup("2026-11-01", "reddit.com", Kind::Like, 3, 0, 0),
        rollup("2026-11-02", "reddit.com", Kind::Like, 1, 0, 0),
        rollup("2026-11-02", "reddit.com", Kind::Report, 1, 0, 0),
        rollup("2026-11-03", "reddit.com", Kind::Rating, 2, 0, 0),
        rollup("2026-11-03", "facebook.com", Kind::Like, 5, 0, 0),
        // No revenue per user is known for this site: it counts for the other methods only.
        rollup("2026-11-03", "example.org", Kind::Like, 5, 0, 0),
    ];
    // France is in Europe: Reddit outside the US $2.31 a quarter (Q4 2025), Facebook Europe $19.68 (Q4 2021).
    let per_share = (3.0 * 2.31 + 1.0 * 19.68) / USD / QUARTER_DAYS;
    let fr = Valuation::bundled().value(&rollups, &query("EUR", "FR")).unwrap();
    let (l, h) = method(&fr, Method::Revenue);
    close(l, per_share * 0.10);
    close(h, per_share * 0.50);
    let days = fr.methods[2].parameters.iter().find(|p| p.id == "days.reddit").unwrap();
    assert_eq!(days.value, 3.0);
    // United States: Reddit US $10.79, Facebook US & Canada $60.57; and the user's own share, 20 %.
    let us = Valuation::bundled().value(&rollups, &ValueQuery { labour_share: Some(0.2), ..query("USD", "US") }).unwrap();
    let (l, h) = method(&us, Method::Revenue);
    close(l, (3.0 * 10.79 + 60.57) / QUARTER_DAYS * 0.2);
    close(h, l);
}

#[test]
fn periods_keep_local_days_and_sites_filter() {
    let rollups = [
        rollup("2026-11-01", "reddit.com", Kind::Like, 100, 0, 0),
        rollup("2026-11-02", "reddit.com", Kind::Like, 3, 0, 0),
        rollup("2026-11-03", "youtube.com", Kind::Like, 4, 0, 0),
    ];
    // Paris in winter: local midnight of 2 November is 23:00 UTC on the 1st.
    let from = day_start_ms("2026-11-02").unwrap() - 3_600_000.0;
    let period = Period { from: Some(from), to: None, tz: 60 };
    let answer = Valuation::bundled().value(&rollups, &ValueQuery { period, ..query("EUR", "FR") }).unwrap();
    assert_eq!(answer.events, 7);
    assert_eq!(answer.from, Some(from));
    assert_eq!(answer.to, Some(day_start_ms("2026-11-04").unwrap() - 3_600_000.0));
    let site = Valuation::bundled().value(&rollups, &ValueQuery { period, site: Some("youtube.com".into()), ..query("EUR", "FR") });
    assert_eq!(site.unwrap().events, 4);
    // The founding contrasts price the same acts: €0.20, €0.01, €0.0001 a click, and what users are paid.
    let values: Vec<f64> = answer.contrasts.iter().map(|c| c.value).collect();
    for (v, e) in values.iter().zip([7.0 * 0.20, 7.0 * 0.01, 7.0 * 0.0001, 0.0]) {
        close(*v, e);
    }
}

#[test]
fn timeline_buckets_by_day_week_and_month_with_empty_buckets() {
    let rollups = [
        rollup("2026-11-27", "reddit.com", Kind::Like, 2, 0, 0),
        rollup("2026-11-27", "reddit.com", Kind::Captcha, 1, 0, 0),
        rollup("2026-11-29", "youtube.com", Kind::Like, 3, 0, 0),
        rollup("2026-11-30", "youtube.com", Kind::Rating, 4, 0, 0),
        rollup("2027-01-02", "youtube.com", Kind::Tag, 1, 0, 0),
    ];
    let days = timeline(&rollups[..4], &Period::default(), TimeUnit::Day, None).unwrap();
    let starts: Vec<&str> = days.buckets.iter().map(|b| b.start.as_str()).collect();
    assert_eq!(starts, ["2026-11-27", "2026-11-28", "2026-11-29", "2026-11-30"]);
    assert_eq!(days.buckets[0].kinds["like"], 2);
    assert_eq!(days.buckets[0].kinds["captcha"], 1);
    assert_eq!(days.buckets[0].total, 3);
    assert_eq!(days.buckets[1].total, 0);
    assert_eq!(days.sites, ["youtube.com", "reddit.com"]);
    // 2026-11-29 is a Sunday: weeks start on Mondays (23 and 30 November).
    let weeks = timeline(&rollups, &Period::default(), TimeUnit::Week, None).unwrap();
    assert_eq!(weeks.buckets[0].start, "2026-11-23");
    assert_eq!(weeks.buckets[0].total, 6);
    assert_eq!(weeks.buckets[1].start, "2026-11-30");
    assert_eq!(weeks.buckets.len(), 6);
    let months = timeline(&rollups, &Period::default(), TimeUnit::Month, Some("youtube.com")).unwrap();
    let starts: Vec<&str> = months.buckets.iter().map(|b| b.start.as_str()).collect();
    assert_eq!(starts, ["2026-11-01", "2026-12-01", "2027-01-01"]);
    assert_eq!(months.buckets[0].kinds["like"], 3);
    assert_eq!(months.summary.events, 8);
    assert_eq!(months.sites.len(), 2, "the site picker still lists every site");
}

#[test]
fn modelled_times_in_the_ledger_are_the_data_files() {
    let v = Valuation::bundled();
    assert_eq!(f64::from(digitus::ledger::KLM_PRESS_MS), v.figure("time.klm_press").unwrap().value * 1000.0);
    assert_eq!(f64::from(digitus::ledger::KLM_RATING_MS), v.figure("time.klm_rating").unwrap().value * 1000.0);
    close(digitus::ledger::MS_PER_WORD, 60_000.0 / v.figure("time.typing_wpm").unwrap().value);
    for code in ["FR", "US", "MG", "IN", "PH", "KE", "BR", "DE"] {
        let country = v.country(code).unwrap();
        v.currency(&country.currency).unwrap();
    }
    // Derived hourly wages are the arithmetic their labels say.
    close(v.figure("wage.mg").unwrap().value, (262_680.0_f64 / 173.33 * 100.0).round() / 100.0);
    close(v.figure("wage.ke").unwrap().value, (16_113.75_f64 / 225.33 * 100.0).round() / 100.0);
    close(v.figure("wage.in").unwrap().value, 176.0 / 8.0);
    close(v.figure("wage.ph").unwrap().value, 695.0 / 8.0);
}

fn page() -> Sender {
    Sender { content_script: false, tab_url: None, incognito: false }
}

fn ask(core: &mut Core, store: &MemoryStore, sender: &Sender, message: Value) -> Result<Value, digitus::Error> {
    let request: Request = serde_json::from_value(message)?;
    block_on(core.handle(store, sender, request))
}

#[test]
fn the_api_answers_value_from_settings_and_refuses_bad_input_with_a_code() {
    let store = MemoryStore::default();
    let mut core = block_on(Core::load(&store)).unwrap();
    let mut like = digitus::model::Event::new("e1", Kind::Like, "reddit.com", day_start_ms("2026-11-02").unwrap() + 5e6, "test.like@1");
    like.duration_ms = 2_650;
    block_on(digitus::ledger::record_event(&store, like, false)).unwrap();

    let answer = ask(&mut core, &store, &page(), json!({"type": "value"})).unwrap();
    let ids: Vec<&str> = answer["methods"].as_array().unwrap().iter().map(|m| m["id"].as_str().unwrap()).collect();
    assert_eq!(ids, ["market", "wage", "revenue"]);
    assert_eq!((answer["currency"].as_str(), answer["events"].as_i64(), answer["paid"].as_i64()), (Some("EUR"), Some(1), Some(0)));
    let p = &answer["methods"][1]["parameters"][0];
    for field in ["id", "value", "unit", "currency", "year", "region", "source", "status"] {
        assert!(!p[field].is_null(), "parameters carry {field}: {p}");
    }
    close(answer["methods"][1]["high"].as_f64().unwrap(), 2.65 * 1.21 * 12.02 / 3600.0);

    // A wage for this answer only: twice the SMIC doubles the wage range.
    let doubled = ask(&mut core, &store, &page(), json!({"type": "value", "wage": {"amount": 24.04, "currency": "EUR"}})).unwrap();
    close(doubled["methods"][1]["high"].as_f64().unwrap(), 2.0 * answer["methods"][1]["high"].as_f64().unwrap());

    // Settings choose the country, and with it the currency.
    let mut settings = core.settings.clone();
    settings.country = Some("PH".into());
    let saved = ask(&mut core, &store, &page(), json!({"type": "set_settings", "settings": settings})).unwrap();
    assert_eq!(saved["country"], "PH");
    let php = ask(&mut core, &store, &page(), json!({"type": "value"})).unwrap();
    assert_eq!(php["currency"], "PHP");
    close(php["methods"][1]["high"].as_f64().unwrap(), 2.65 * 1.21 * 86.875 / 3600.0);

    let refused = |core: &mut Core, sender: &Sender, message: Value| ask(core, &store, sender, message).unwrap_err().code();
    assert_eq!(refused(&mut core, &page(), json!({"type": "value", "currency": "XYZ"})), "bad_input");
    assert_eq!(refused(&mut core, &page(), json!({"type": "value", "wage": {"amount": -3, "currency": "EUR"}})), "bad_input");
    assert_eq!(refused(&mut core, &page(), json!({"type": "value", "wage": {"amount": 3, "currency": "ZZZ"}})), "bad_input");
    assert_eq!(refused(&mut core, &page(), json!({"type": "value", "from": 5000, "to": 10})), "bad_input");
    assert_eq!(refused(&mut core, &page(), json!({"type": "value", "surprise": 1})), "bad_input");
    assert_eq!(refused(&mut core, &page(), json!({"type": "timeline", "unit": "year"})), "bad_input");
    assert_eq!(refused(&mut core, &page(), json!({"type": "timeline", "from": 0, "to": 1e13})), "bad_input");
    let tab = Sender { content_script: true, tab_url: Some("https://evil.example/".into()), incognito: false };
    assert_eq!(refused(&mut core, &tab, json!({"type": "value"})), "forbidden");
    assert_eq!(refused(&mut core, &tab, json!({"type": "timeline"})), "forbidden");
    let mut bad = core.settings.clone();
    bad.country = Some("ZZ".into());
    assert_eq!(refused(&mut core, &page(), json!({"type": "set_settings", "settings": bad})), "bad_input");
    bad.country = None;
    bad.labour_share = Some(1.5);
    assert_eq!(refused(&mut core, &page(), json!({"type": "set_settings", "settings": bad})), "bad_input");
    assert_eq!(core.settings.country.as_deref(), Some("PH"), "a refused setting changes nothing");
}

#[test]
fn settings_saved_before_valuation_existed_still_load() {
    let old: Settings = serde_json::from_str(r#"{"paused_sites": ["example.org"], "record_private": true, "local_rules": ""}"#).unwrap();
    assert_eq!(old.country(), "FR");
    assert_eq!(old.currency(), "EUR");
    assert_eq!(old.wage, WageChoice::Minimum);
    assert_eq!(old.preferred_method, Method::Wage);
    assert!(!old.hide_badge);
    let own: Settings = serde_json::from_str(r#"{"wage": {"basis": "own", "amount": 15, "currency": "USD"}, "preferred_method": "market"}"#).unwrap();
    assert_eq!(own.wage, WageChoice::Own { amount: 15.0, currency: "USD".into() });
}

#[test]
fn a_broken_valuation_file_is_refused_with_the_reason() {
    let swap = |from: &str, to: &str| digitus::valuation::VALUATION_JSON.replacen(from, to, 1);
    let why = |text: String| Valuation::parse(&text).unwrap_err();
    let e = why(swap("\"wage\": \"wage.fr\"", "\"wage\": \"wage.nowhere\""));
    assert_eq!(e.code(), "bad_data");
    assert!(e.to_string().contains("wage.nowhere"), "{e}");
    assert!(why(swap("\"currency\": \"MGA\",", "\"currency\": \"XXX\",")).to_string().contains("XXX"));
    assert!(why(swap("\"unit\": \"per hour\"", "\"unit\": \"per fortnight\"")).to_string().contains("per fortnight"));
}

#[test]
fn site_of_names_the_registrable_domain_and_its_pause() {
    let store = MemoryStore::default();
    let mut core = block_on(Core::load(&store)).unwrap();
    core.settings.paused_sites.insert("news.ycombinator.com".into());
    let hn = ask(&mut core, &store, &page(), json!({"type": "site_of", "url": "https://news.ycombinator.com/item?id=1"})).unwrap();
    assert_eq!(hn, json!({"site": "ycombinator.com", "paused": true}));
    let yt = ask(&mut core, &store, &page(), json!({"type": "site_of", "url": "https://m.youtube.com/watch"})).unwrap();
    assert_eq!(yt, json!({"site": "youtube.com", "paused": false}));
    let own = ask(&mut core, &store, &page(), json!({"type": "site_of", "url": "chrome-extension://abc/popup.html"})).unwrap();
    assert_eq!(own["site"], "");
}

/// The background answers with two modules (`Core::handle_recording`, `Core::handle_pages`): the badge's
/// `count` is the timeline's number, each half refuses the other's types, and a recorder that reloads its
/// settings after the pages half saved them pauses what the page paused.
#[test]
fn the_recording_and_pages_halves_split_the_api_and_agree() {
    let store = MemoryStore::default();
    let mut core = block_on(Core::load(&store)).unwrap();
    let day = day_start_ms("2026-11-02").unwrap();
    for (id, at) in [("a", day + 1e3), ("b", day + 8e7), ("c", day + 2.0 * 86_400_000.0)] {
        let like = digitus::model::Event::new(id, Kind::Like, "reddit.com", at, "test.like@1");
        block_on(digitus::ledger::record_event(&store, like, false)).unwrap();
    }
    for (from, to, tz) in [(Some(day), Some(day + 86_400_000.0), 0), (Some(day), None, 60), (None, None, 0), (Some(day + 86_400_000.0), None, -300)] {
        let count = ask(&mut core, &store, &page(), json!({"type": "count", "from": from, "to": to, "tz": tz})).unwrap();
        let timeline = ask(&mut core, &store, &page(), json!({"type": "timeline", "from": from, "to": to, "tz": tz, "unit": "day"})).unwrap();
        assert_eq!(count["events"], timeline["summary"]["events"], "count and timeline for {from:?}..{to:?} tz {tz}");
    }
    assert_eq!(ask(&mut core, &store, &page(), json!({"type": "count", "from": day, "to": day + 86_400_000.0})).unwrap()["events"], 2);

    let every_type = [
        json!({"type": "sense", "observation": {}}),
        json!({"type": "summary"}),
        json!({"type": "vocabulary"}),
        json!({"type": "events"}),
        json!({"type": "recent"}),
        json!({"type": "settings"}),
        json!({"type": "set_settings", "settings": {}}),
        json!({"type": "status"}),
        json!({"type": "forget_site", "site": "x.org"}),
        json!({"type": "delete_everything"}),
        json!({"type": "apply_retention", "now": 1}),
        json!({"type": "set_retention", "days": null, "now": 1}),
        json!({"type": "captcha_watch"}),
        json!({"type": "settle", "now": 1}),
        json!({"type": "tab_closed", "tab": 1}),
        json!({"type": "value"}),
        json!({"type": "timeline"}),
        json!({"type": "valuation_data"}),
        json!({"type": "site_of", "url": "https://x.org/"}),
        json!({"type": "leave_study"}),
        json!({"type": "study"}),
        json!({"type": "check_study", "study": {}}),
        json!({"type": "research_preview"}),
        json!({"type": "research_export"}),
        json!({"type": "count"}),
    ];
    for message in every_type {
        let Ok(request) = serde_json::from_value::<Request>(message.clone()) else { continue };
        assert_eq!(request.type_name(), message["type"], "type_name of {message}");
        let recording = digitus::api::answered_by_recording(request.type_name());
        assert_eq!(recording, request.answered_by_recording());
        // The recording module's own decoder parses its messages as Request does, and refuses the others.
        let own = serde_json::from_value::<RecordingRequest>(message.clone());
        assert_eq!(own.is_ok(), recording, "RecordingRequest parses {message}");
        if let Ok(own) = own {
            assert_eq!(format!("{:?}", Request::from(own)), format!("{request:?}"));
        }
        if recording {
            let elsewhere = block_on(core.handle_pages(&store, &page(), request)).unwrap_err();
            assert_eq!(elsewhere.code(), "bad_input", "{message} answered by the wrong half");
        }
    }
    // The same fields refused alike by both decoders.
    for bad in [json!({"type": "settle"}), json!({"type": "settle", "now": 1, "extra": 2}), json!({"type": "tab_closed", "tab": "x"})] {
        let (full, own) = (serde_json::from_value::<Request>(bad.clone()), serde_json::from_value::<RecordingRequest>(bad.clone()));
        assert_eq!(full.unwrap_err().to_string(), own.unwrap_err().to_string(), "{bad}");
    }
    assert!(digitus::api::RECORDING_TYPES.iter().all(|t| serde_json::from_value::<Request>(json!({"type": t})).map_or(true, |r| r.answered_by_recording())));

    // The pages half saves a pause; the recorder (its own copy) reloads and stops recording there.
    let mut recorder = block_on(Core::load(&store)).unwrap();
    let mut settings = core.settings.clone();
    settings.paused_sites.insert("reddit.com".into());
    let saved: Request = serde_json::from_value(json!({"type": "set_settings", "settings": settings})).unwrap();
    block_on(core.handle_pages(&store, &page(), saved)).unwrap();
    assert!(!recorder.settings.is_paused("reddit.com"));
    block_on(recorder.reload_settings(&store)).unwrap();
    assert!(recorder.settings.is_paused("reddit.com"));
    let settings: RecordingRequest = serde_json::from_value(json!({"type": "settings"})).unwrap();
    let answer = block_on(recorder.handle_recording(&store, &page(), &Default::default(), settings)).unwrap();
    assert_eq!(answer["paused_sites"], json!(["reddit.com"]));
}
