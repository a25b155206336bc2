//! Detection, natively: every site rule and the generic heuristic on element chains shaped like the
//! sensor's (clicked node first, then its ancestors across shadow roots), positive and negative, and the
//! state rules (toggle, undo, replace, one press once) through the message API on the in-memory store.

use digitus::api::{Core, Request, Sender, Settings};
use digitus::classify::Classifier;
use digitus::model::{Action, Effect, Element, Kind, Observation, TextStats};
use digitus::rules::{bundled_files, load_file};
use digitus::store::MemoryStore;
use digitus::summary::Summary;
use futures::executor::block_on;

const T0: f64 = 1_795_995_000_000.0;

/// An element as the sensor describes it.
fn e(tag: &str, attrs: &[(&str, &str)]) -> Element {
    Element { tag: tag.into(), attrs: attrs.iter().map(|(k, v)| (k.to_string(), v.to_string())).collect(), text: None, nth: 0 }
}

/// The same with visible text.
fn et(tag: &str, attrs: &[(&str, &str)], text: &str) -> Element {
    Element { text: Some(text.into()), ..e(tag, attrs) }
}

fn body() -> Element {
    e("body", &[])
}

fn observation(action: Action, url: &str, path: Vec<Element>, after: Option<Vec<Element>>) -> Observation {
    Observation {
        id: format!("o-{}", path.len() * 7 + url.len()),
        action,
        time: T0,
        tz: 0,
        url: url.into(),
        top_url: None,
        path,
        after,
        text: None,
        duration_ms: None,
        has_value: false,
        after_pending: false,
        activation_ms: None,
    }
}

fn click(url: &str, path: Vec<Element>, after: Vec<Element>) -> Observation {
    observation(Action::Click, url, path, Some(after))
}

/// A click whose control did not change (after = before).
fn tap(url: &str, path: Vec<Element>) -> Observation {
    let after = path.clone();
    click(url, path, after)
}

fn submit(url: &str, path: Vec<Element>, words: u32, hashtags: u32) -> Observation {
    let mut o = observation(Action::Submit, url, path, None);
    o.text = Some(TextStats { words, chars: words * 5, hashtags });
    o
}

/// (kind, effect, rule) of each labour found.
fn judge(obs: &Observation) -> Vec<(Kind, Effect, String)> {
    Classifier::default().classify(obs).into_iter().map(|l| (l.kind, l.effect, l.rule)).collect()
}

#[track_caller]
fn expect(obs: &Observation, kind: Kind, effect: Effect, rule: &str) {
    let got = judge(obs);
    assert!(
        got.first().is_some_and(|(k, f, r)| *k == kind && *f == effect && r.starts_with(&format!("{rule}@"))),
        "expected {kind:?} {effect:?} by {rule}, got {got:?}"
    );
}

#[track_caller]
fn nothing(obs: &Observation) {
    let got = judge(obs);
    assert!(got.is_empty(), "expected no labour, got {got:?}");
}

fn with_pressed(mut el: Element, pressed: bool) -> Element {
    el.attrs.insert("aria-pressed".into(), pressed.to_string());
    el
}

// ---------------------------------------------------------------- site rules

const YT: &str = "https://www.youtube.com/watch?v=fixture";

fn yt_like(pressed: bool) -> Vec<Element> {
    vec![
        e("path", &[]),
        e("svg", &[]),
        with_pressed(e("button", &[("class", "yt-spec-button-shape-next"), ("aria-label", "like this video along with 1,203 other people")]), pressed),
        e("button-view-model", &[]),
        e("toggle-button-view-model", &[]),
        e("like-button-view-model", &[]),
        e("segmented-like-dislike-button-view-model", &[]),
        body(),
    ]
}

#[test]
fn youtube() {
    expect(&click(YT, yt_like(false), yt_like(true)), Kind::Like, Effect::Add, "youtube.like");
    expect(&click(YT, yt_like(true), yt_like(false)), Kind::Like, Effect::Undo, "youtube.like");
    // German label, same structure.
    let mut de = yt_like(false);
    de[2].attrs.insert("aria-label".into(), "mag das Video zusammen mit 5 anderen Nutzern".into());
    let mut de_after = de.clone();
    de_after[2].attrs.insert("aria-pressed".into(), "true".into());
    expect(&click(YT, de, de_after), Kind::Like, Effect::Add, "youtube.like");
    // A click the page did not act on is no like.
    nothing(&tap(YT, yt_like(false)));
    let dislike = |p| vec![with_pressed(e("button", &[("aria-label", "Dislike this video")]), p), e("button-view-model", &[]), e("toggle-button-view-model", &[]), e("dislike-button-view-model", &[]), body()];
    expect(&click(YT, dislike(false), dislike(true)), Kind::Rating, Effect::Add, "youtube.dislike");
    let menu = |text: &str| vec![et("yt-formatted-string", &[], text), e("tp-yt-paper-item", &[("role", "option")]), e("ytd-menu-service-item-renderer", &[("role", "menuitem")]), body()];
    expect(&tap(YT, menu("Not interested")), Kind::Feedback, Effect::Add, "youtube.not-interested");
    expect(&tap(YT, menu("Don't recommend channel")), Kind::Feedback, Effect::Add, "youtube.not-interested");
    expect(&tap(YT, menu("Report")), Kind::Report, Effect::Add, "youtube.report");
    nothing(&tap(YT, menu("Save to playlist")));
    let submit_button = vec![e("button", &[("aria-label", "Comment")]), e("ytd-button-renderer", &[("id", "submit-button")]), e("div", &[("id", "buttons")]), e("ytd-commentbox", &[]), body()];
    let mut comment = tap(YT, submit_button.clone());
    comment.text = Some(TextStats { words: 7, chars: 30, hashtags: 2 });
    let found = judge(&comment);
    assert_eq!(found.iter().map(|f| f.0).collect::<Vec<_>>(), [Kind::Review, Kind::Tag], "{found:?}");
    // The Comment button with an empty composer is no review (and "Comment" is no generic like either).
    nothing(&tap(YT, submit_button));
    nothing(&tap(YT, vec![et("button", &[("aria-label", "Share")], "Share"), body()]));
    nothing(&tap(YT, vec![et("button", &[("aria-label", "Subscribe to Fixture Channel.")], "Subscribe"), body()]));
}

#[test]
fn x_like_survives_the_testid_swap() {
    let url = "https://x.com/home";
    let button = |testid: &str| vec![e("svg", &[]), e("div", &[]), e("button", &[("data-testid", testid), ("aria-label", "48 Likes. Like")]), e("div", &[]), e("div", &[("role", "group")]), e("article", &[("data-testid", "tweet")]), body()];
    expect(&click(url, button("like"), button("unlike")), Kind::Like, Effect::Add, "x.like");
    expect(&click(url, button("unlike"), button("like")), Kind::Like, Effect::Undo, "x.like");
    // Same on twitter.com.
    expect(&click("https://twitter.com/home", button("like"), button("unlike")), Kind::Like, Effect::Add, "x.like");
    nothing(&tap(url, vec![e("button", &[("data-testid", "reply"), ("aria-label", "12 Replies. Reply")]), e("article", &[("data-testid", "tweet")]), body()]));
    nothing(&tap(url, vec![et("span", &[], "48 Likes"), e("a", &[("href", "/fixture/status/1/likes"), ("role", "link")]), e("article", &[("data-testid", "tweet")]), body()]));
    let item = |text: &str| vec![et("span", &[], text), e("div", &[("role", "menuitem")]), e("div", &[("role", "menu")]), body()];
    expect(&tap(url, item("Not interested in this post")), Kind::Feedback, Effect::Add, "x.not-interested");
    expect(&tap(url, item("Report post")), Kind::Report, Effect::Add, "x.report");
    nothing(&tap(url, item("Follow @fixture")));
    let mut post = tap(url, vec![et("span", &[], "Post"), e("button", &[("data-testid", "tweetButtonInline")]), body()]);
    post.text = Some(TextStats { words: 4, chars: 20, hashtags: 1 });
    assert_eq!(judge(&post).len(), 2);
}

#[test]
fn reddit_votes_inside_the_shadow_root() {
    let url = "https://www.reddit.com/r/rust/";
    // composedPath: svg, span, button (in the shadow root), span.vote-group, div, then the host element.
    let vote = |what: &str, p: bool| {
        vec![
            e("svg", &[]),
            e("span", &[]),
            with_pressed(e("button", &[(what, ""), ("aria-label", what), ("data-post-click-location", "vote")]), p),
            e("span", &[("class", "vote-group")]),
            e("div", &[("class", "shreddit-post-container")]),
            e("shreddit-post", &[("id", "t3_abc")]),
            e("shreddit-app", &[]),
            body(),
        ]
    };
    expect(&click(url, vote("upvote", false), vote("upvote", true)), Kind::Like, Effect::Add, "reddit.upvote");
    expect(&click(url, vote("upvote", true), vote("upvote", false)), Kind::Like, Effect::Undo, "reddit.upvote");
    expect(&click(url, vote("downvote", false), vote("downvote", true)), Kind::Rating, Effect::Add, "reddit.downvote");
    // Old Reddit.
    let old = |class: &str| vec![e("div", &[("class", class), ("data-click-id", "upvote"), ("role", "button")]), e("div", &[("class", "midcol")]), e("div", &[("class", "thing")]), body()];
    expect(&click(url, old("arrow up"), old("arrow upmod")), Kind::Like, Effect::Add, "reddit.upvote");
    expect(&tap(url, vec![et("span", &[], "Report"), e("li", &[("role", "menuitem")]), body()]), Kind::Report, Effect::Add, "reddit.report");
    nothing(&tap(url, vec![et("span", &[], "Save"), e("li", &[("role", "menuitem")]), body()]));
    nothing(&tap(url, vec![et("button", &[("class", "share"), ("aria-label", "Share")], "Share"), e("div", &[]), e("shreddit-post", &[]), body()]));
}

#[test]
fn facebook_instagram_linkedin_tiktok() {
    let fb = "https://www.facebook.com/";
    let like = |label: &str| vec![et("span", &[], "Like"), e("div", &[("role", "button"), ("aria-label", label)]), e("div", &[]), e("div", &[("role", "article")]), body()];
    expect(&click(fb, like("Like"), like("Remove Like")), Kind::Like, Effect::Add, "facebook.like");
    expect(&click(fb, like("Remove Like"), like("Like")), Kind::Like, Effect::Undo, "facebook.like");
    expect(&click(fb, like("J’aime"), like("Je n’aime plus")), Kind::Like, Effect::Add, "facebook.like");
    nothing(&tap(fb, vec![et("span", &[("role", "button"), ("aria-label", "See who reacted to this")], "👍 1.2K"), e("div", &[]), body()]));
    nothing(&tap(fb, vec![et("span", &[], "Comment"), e("div", &[("role", "button"), ("aria-label", "Leave a comment")]), body()]));
    let item = |text: &str| vec![et("span", &[], text), e("div", &[("role", "menuitem")]), body()];
    expect(&tap(fb, item("Report post")), Kind::Report, Effect::Add, "facebook.report");
    expect(&tap(fb, item("Hide post")), Kind::Feedback, Effect::Add, "facebook.hide");
    nothing(&tap(fb, item("Save post")));
    expect(&tap(fb, vec![et("span", &[], "Tag people"), e("div", &[("role", "button"), ("aria-label", "Tag people")]), body()]), Kind::Tag, Effect::Add, "facebook.tag-people");

    let ig = "https://www.instagram.com/p/fixture/";
    let heart = |label: &str| vec![e("svg", &[("aria-label", label), ("role", "img")]), e("span", &[]), e("div", &[]), e("div", &[("role", "button")]), e("span", &[]), e("section", &[]), e("article", &[]), body()];
    expect(&click(ig, heart("Like"), heart("Unlike")), Kind::Like, Effect::Add, "instagram.like");
    expect(&click(ig, heart("Descurtir"), heart("Curtir")), Kind::Like, Effect::Undo, "instagram.like");
    nothing(&tap(ig, vec![e("svg", &[("aria-label", "Comment")]), e("div", &[("role", "button")]), body()]));
    nothing(&tap(ig, vec![et("span", &[], "Liked by fixture and 1,234 others"), e("a", &[("href", "/p/x/liked_by/")]), body()]));
    nothing(&submit(ig, vec![e("form", &[]), e("section", &[]), body()], 0, 0));
    expect(&submit(ig, vec![e("form", &[]), e("section", &[]), body()], 3, 0), Kind::Review, Effect::Add, "instagram.comment");

    let li = "https://www.linkedin.com/feed/";
    let react = |p| vec![et("span", &[], "Like"), with_pressed(e("button", &[("class", "react-button__trigger artdeco-button"), ("aria-label", "React Like")]), p), e("span", &[]), e("div", &[("class", "feed-shared-update-v2")]), body()];
    expect(&click(li, react(false), react(true)), Kind::Like, Effect::Add, "linkedin.react");
    nothing(&tap(li, vec![e("button", &[("aria-label", "1,024 reactions")]), e("li", &[]), body()]));
    expect(&tap(li, vec![et("h5", &[], "Not interested"), e("div", &[("role", "button")]), body()]), Kind::Feedback, Effect::Add, "linkedin.not-interested");
    nothing(&tap(li, vec![et("h5", &[], "Follow Fixture"), e("div", &[("role", "button")]), body()]));

    let tt = "https://www.tiktok.com/foryou";
    let heart = |p| vec![e("svg", &[]), e("span", &[("data-e2e", "like-icon")]), with_pressed(e("button", &[("aria-label", "Like video 12.3K likes")]), p), e("section", &[]), body()];
    expect(&click(tt, heart(false), heart(true)), Kind::Like, Effect::Add, "tiktok.like");
    expect(&click(tt, heart(true), heart(false)), Kind::Like, Effect::Undo, "tiktok.like");
    // A click beside the icon lands on the button itself.
    let button = |p| vec![with_pressed(e("button", &[("aria-label", "Like video 12.3K likes")]), p), e("section", &[]), body()];
    expect(&click(tt, button(true), button(false)), Kind::Like, Effect::Undo, "tiktok.like");
    nothing(&tap(tt, vec![e("span", &[("data-e2e", "comment-icon")]), e("button", &[("aria-label", "Read or add comments 321 comments")]), body()]));
}

#[test]
fn bluesky_mastodon_hacker_news() {
    let bs = "https://bsky.app/";
    let like = |label: &str| vec![e("svg", &[]), e("div", &[]), e("button", &[("data-testid", "likeBtn"), ("aria-label", label)]), e("div", &[]), e("div", &[("data-testid", "feedItem-by-x")]), body()];
    expect(&click(bs, like("Like (5 likes)"), like("Unlike (6 likes)")), Kind::Like, Effect::Add, "bluesky.like");
    expect(&click(bs, like("Unlike (6 likes)"), like("Like (5 likes)")), Kind::Like, Effect::Undo, "bluesky.like");
    nothing(&tap(bs, vec![e("button", &[("data-testid", "repostBtn"), ("aria-label", "Repost (1 reposts)")]), body()]));
    expect(&tap(bs, vec![et("div", &[], "Report post"), e("div", &[("data-testid", "postDropdownReportBtn"), ("role", "menuitem")]), body()]), Kind::Report, Effect::Add, "bluesky.report");

    let md = "https://mastodon.social/home";
    let fav = |class: &str| vec![e("i", &[("class", "fa fa-star")]), e("button", &[("class", class), ("title", "Favourite")]), e("div", &[("class", "status__action-bar")]), e("div", &[("class", "status")]), body()];
    expect(&click(md, fav("status__action-bar__button star-icon icon-button"), fav("status__action-bar__button star-icon icon-button active")), Kind::Like, Effect::Add, "mastodon.favourite");
    expect(&click(md, fav("status__action-bar__button star-icon icon-button active"), fav("status__action-bar__button star-icon icon-button")), Kind::Like, Effect::Undo, "mastodon.favourite");
    // An instance the rule does not list falls to the generic heuristic, which still reads "Favourite".
    let other = click("https://social.example.net/home", fav("status__action-bar__button star-icon icon-button"), fav("status__action-bar__button star-icon icon-button active"));
    expect(&other, Kind::Like, Effect::Add, "generic.like");
    nothing(&tap(md, vec![e("button", &[("class", "status__action-bar__button icon-button"), ("title", "Boost")]), body()]));
    expect(&submit(md, vec![e("form", &[("class", "compose-form")]), body()], 5, 2), Kind::Review, Effect::Add, "mastodon.post");
    assert_eq!(judge(&submit(md, vec![e("form", &[("class", "compose-form")]), body()], 5, 2))[1].0, Kind::Tag);

    let hn = "https://news.ycombinator.com/item?id=41234567";
    let arrow = |id: &str, href: &str| vec![e("div", &[("class", "votearrow"), ("title", "upvote")]), e("a", &[("id", id), ("class", "clicky"), ("href", href)]), e("center", &[]), e("td", &[("class", "votelinks")]), e("tr", &[("class", "athing")]), body()];
    expect(&tap(hn, arrow("up_41234567", "vote?id=41234567&how=up&goto=x")), Kind::Like, Effect::Add, "hackernews.upvote");
    expect(&tap(hn, vec![et("a", &[("id", "un_41234567"), ("class", "clicky"), ("href", "vote?id=41234567&how=un")], "unvote"), e("span", &[]), e("td", &[("class", "subtext")]), body()]), Kind::Like, Effect::Undo, "hackernews.unvote");
    expect(&tap(hn, arrow("down_41234999", "vote?id=41234999&how=down&goto=x")), Kind::Rating, Effect::Add, "hackernews.downvote");
    expect(&tap(hn, vec![et("a", &[("href", "flag?id=41234567&goto=x")], "flag"), e("span", &[]), body()]), Kind::Report, Effect::Add, "hackernews.flag");
    nothing(&tap(hn, vec![et("a", &[("href", "hide?id=41234567")], "hide"), e("span", &[]), body()]));
    nothing(&tap(hn, vec![et("span", &[("class", "score")], "118 points"), e("span", &[]), body()]));
    nothing(&tap(hn, vec![et("a", &[("href", "item?id=41234567")], "87 comments"), e("span", &[]), body()]));
}

#[test]
fn stack_overflow_github() {
    let so = "https://stackoverflow.com/questions/1/fixture";
    let vote = |class: &str, p| vec![e("svg", &[("class", "svg-icon")]), with_pressed(e("button", &[("class", class), ("aria-label", "Up vote")]), p), e("div", &[("class", "js-voting-container d-flex"), ("data-post-id", "1")]), body()];
    expect(&click(so, vote("js-vote-up-btn s-btn", false), vote("js-vote-up-btn s-btn", true)), Kind::Like, Effect::Add, "stackoverflow.upvote");
    expect(&click(so, vote("js-vote-down-btn s-btn", false), vote("js-vote-down-btn s-btn", true)), Kind::Rating, Effect::Add, "stackoverflow.downvote");
    let mut tag = observation(Action::TagKey, so, vec![e("input", &[("id", "tageditor-replacing-tagnames--input"), ("type", "text")]), e("div", &[("class", "js-tag-editor")]), body()], None);
    tag.has_value = true;
    expect(&tag, Kind::Tag, Effect::Add, "stackoverflow.tag");
    // Enter in the search box is not a tag.
    let mut search = observation(Action::TagKey, so, vec![e("input", &[("id", "so-search"), ("name", "q"), ("type", "text"), ("aria-label", "Search")]), e("form", &[("role", "search")]), body()], None);
    search.has_value = true;
    nothing(&search);
    expect(&tap(so, vec![et("button", &[("class", "js-popup-submit s-btn")], "Flag question"), e("form", &[]), e("div", &[("id", "popup-flag-post")]), body()]), Kind::Report, Effect::Add, "stackoverflow.flag");
    expect(&submit(so, vec![e("form", &[("id", "post-form")]), body()], 40, 0), Kind::Review, Effect::Add, "stackoverflow.answer");
    nothing(&tap(so, vec![et("button", &[("class", "js-follow-post")], "Follow"), body()]));

    let gh = "https://github.com/owner/repo";
    let star = |half: &str, label: &str, text: &str| vec![et("span", &[], text), e("button", &[("class", "btn btn-sm"), ("aria-label", label)]), e("form", &[("class", "js-social-form")]), e("div", &[("class", half)]), e("div", &[("class", "js-toggler-container starring-container")]), body()];
    expect(&tap(gh, star("unstarred BtnGroup", "Star this repository (1.2k)", "Star")), Kind::Like, Effect::Add, "github.star");
    expect(&tap(gh, star("starred BtnGroup", "Unstar this repository (1.2k)", "Starred")), Kind::Like, Effect::Undo, "github.unstar");
    nothing(&tap(gh, vec![et("strong", &[], "1.2k"), et("a", &[("href", "/owner/repo/stargazers")], "1.2k stars"), body()]));
    let react = |class: &str, p| vec![with_pressed(e("button", &[("class", class), ("value", "THUMBS_UP react"), ("aria-label", "react with thumbs up")]), p), e("div", &[]), body()];
    expect(&click(gh, react("social-reaction-summary-item js-reaction-group-button", false), react("social-reaction-summary-item js-reaction-group-button user-has-reacted", true)), Kind::Like, Effect::Add, "github.reaction");
    let label = |c: &str| vec![et("span", &[("class", "name")], "bug"), e("div", &[("role", "menuitemcheckbox"), ("aria-checked", c)]), e("div", &[("class", "label-select-menu"), ("role", "menu")]), body()];
    expect(&click(gh, label("false"), label("true")), Kind::Tag, Effect::Add, "github.label");
    expect(&click(gh, label("true"), label("false")), Kind::Tag, Effect::Undo, "github.label");
    expect(&tap(gh, vec![et("a", &[("href", "/contact/report-content?report=x"), ("role", "menuitem")], "Report content"), body()]), Kind::Report, Effect::Add, "github.report");
    nothing(&tap(gh, vec![et("a", &[("class", "btn-sm btn"), ("aria-label", "Watch: Participating in owner/repo")], "Watch"), body()]));
}

#[test]
fn amazon_imdb_maps_goodreads_netflix() {
    let az = "https://www.amazon.com/product-reviews/B0FIXTURE";
    let review = || vec![e("div", &[("class", "cr-vote"), ("data-hook", "review-voting-widget")]), e("div", &[("data-hook", "review"), ("id", "R1")]), body()];
    let mut helpful = vec![et("a", &[("class", "a-button-text"), ("role", "button")], "Helpful"), e("span", &[]), e("span", &[]), e("span", &[("class", "cr-helpful-button")])];
    helpful.extend(review());
    expect(&tap(az, helpful), Kind::Rating, Effect::Add, "amazon.helpful");
    let mut report = vec![et("a", &[("class", "report-abuse-link")], "Report"), e("span", &[("class", "a-declarative")])];
    report.extend(review());
    expect(&tap(az, report), Kind::Report, Effect::Add, "amazon.report");
    nothing(&tap(az, vec![et("span", &[("data-hook", "helpful-vote-statement")], "42 people found this helpful"), e("div", &[("data-hook", "review")]), body()]));
    let star = |n: &str| vec![e("button", &[("class", "ryp__star__button"), ("aria-label", n), ("role", "radio")]), e("div", &[("data-hook", "ryp-star-rating"), ("role", "radiogroup")]), e("form", &[]), body()];
    let four = Classifier::default().classify(&tap(az, star("4 stars")));
    assert_eq!((four[0].kind, four[0].value), (Kind::Rating, Some(4.0)));
    // Another star on the same widget is the same item, so it replaces the first.
    assert_eq!(four[0].item, Classifier::default().classify(&tap(az, star("5 stars")))[0].item);
    expect(&submit(az, vec![e("form", &[("id", "ryp-review-form"), ("data-hook", "ryp-review-form")]), body()], 30, 0), Kind::Review, Effect::Add, "amazon.review");
    // amazon.co.uk shares the rules.
    expect(&tap("https://www.amazon.co.uk/x", star("2 stars")), Kind::Rating, Effect::Add, "amazon.review-stars");

    let imdb = "https://www.imdb.com/title/tt0111161/";
    let rate = |n: &str| vec![e("svg", &[]), e("button", &[("class", "ipc-starbar__rating__button"), ("aria-label", n)]), e("div", &[("class", "ipc-starbar__rating")]), e("div", &[("class", "ipc-starbar")]), e("div", &[("class", "ipc-rating-prompt__rating-container")]), e("div", &[("class", "ipc-rating-prompt")]), body()];
    let eight = Classifier::default().classify(&tap(imdb, rate("Rate 8")));
    assert_eq!((eight[0].kind, eight[0].value, eight[0].rule.as_str()), (Kind::Rating, Some(8.0), "imdb.rate@1"));
    // The "Rate" button that confirms the stars, and the one that opens the prompt, are claimed and count nothing,
    // although the generic heuristic alone would read "Rate" as a rating.
    let confirm = vec![et("span", &[("class", "ipc-btn__text")], "Rate"), e("button", &[("class", "ipc-btn ipc-rating-prompt__rate-button")]), e("div", &[("class", "ipc-rating-prompt__rating-container")]), e("div", &[("class", "ipc-rating-prompt")]), body()];
    nothing(&tap(imdb, confirm.clone()));
    expect(&tap("https://blog.example.org/", confirm), Kind::Rating, Effect::Add, "generic.rating");
    nothing(&tap(imdb, vec![et("span", &[], "Rate"), e("button", &[("aria-label", "Rate The Fixture")]), e("div", &[("data-testid", "hero-rating-bar__user-rating")]), body()]));
    expect(&tap(imdb, vec![et("span", &[], "👍"), e("button", &[("class", "ipc-voting__label__count--up ipc-btn"), ("aria-label", "Helpful")]), e("div", &[("class", "ipc-voting")]), e("div", &[("data-testid", "review-card-parent")]), body()]), Kind::Rating, Effect::Add, "imdb.review-helpful");

    let gm = "https://www.google.com/maps/place/Fixture";
    let like = |p| vec![et("span", &[], "3"), with_pressed(e("button", &[("jsaction", "pane.review.toggleThumbsUp"), ("aria-label", "Like")]), p), e("div", &[]), e("div", &[("data-review-id", "Ch1")]), body()];
    expect(&click(gm, like(false), like(true)), Kind::Like, Effect::Add, "google-maps.review-like");
    let stars = vec![e("div", &[("role", "radio"), ("aria-label", "5 stars")]), e("div", &[("role", "radiogroup")]), e("div", &[("role", "dialog")]), body()];
    expect(&tap(gm, stars), Kind::Rating, Effect::Add, "google-maps.review-stars");
    let mut post = tap(gm, vec![et("span", &[], "Post"), e("button", &[("jsaction", "pane.review.post")]), e("div", &[("role", "dialog")]), body()]);
    nothing(&post);
    post.text = Some(TextStats { words: 12, chars: 60, hashtags: 0 });
    expect(&post, Kind::Review, Effect::Add, "google-maps.review-post");
    nothing(&tap(gm, vec![et("span", &[], "Cancel"), e("button", &[]), e("div", &[("role", "dialog")]), body()]));
    // Google search pages share the site but not the markup: a "Like"-less button there is nothing.
    nothing(&tap("https://www.google.com/search?q=x", vec![e("input", &[("type", "search"), ("name", "q")]), e("form", &[("role", "search")]), body()]));

    let gr = "https://www.goodreads.com/book/show/1";
    let rate = |n: &str| vec![e("svg", &[]), e("button", &[("class", "RatingStar"), ("aria-label", n), ("role", "radio")]), e("div", &[("class", "RatingStars RatingStars__medium"), ("role", "radiogroup")]), body()];
    let three = Classifier::default().classify(&tap(gr, rate("Rate 3 out of 5")));
    assert_eq!((three[0].value, three[0].rule.as_str()), (Some(3.0), "goodreads.rate@1"));
    expect(&tap(gr, vec![et("span", &[], "Want to read"), e("div", &[("role", "menuitemradio")]), e("div", &[("role", "menu")]), e("div", &[("class", "WTRStepShelving")]), body()]), Kind::Tag, Effect::Add, "goodreads.shelve");
    nothing(&tap(gr, vec![et("span", &[("data-testid", "ratingsCount")], "1,234 ratings"), e("div", &[]), body()]));

    let nf = "https://www.netflix.com/browse";
    let thumb = |uia: &str, c: &str| vec![e("button", &[("data-uia", uia), ("aria-label", "I like this"), ("aria-checked", c), ("role", "radio")]), e("div", &[("class", "thumbs-selection-wrapper"), ("data-uia", "thumbs-container")]), body()];
    expect(&click(nf, thumb("thumbs-rate-up", "false"), thumb("thumbs-rate-up", "true")), Kind::Rating, Effect::Add, "netflix.thumbs");
    expect(&click(nf, thumb("thumbs-rate-up", "true"), thumb("thumbs-rate-up", "false")), Kind::Rating, Effect::Undo, "netflix.thumbs");
    nothing(&tap(nf, vec![e("button", &[("data-uia", "add-to-my-list"), ("aria-label", "Add to My List")]), body()]));
    nothing(&tap(nf, vec![et("button", &[("data-uia", "play-button"), ("aria-label", "Play")], "Play"), body()]));
}

#[test]
fn composers_menus_and_the_rest_of_each_site() {
    let with_text = |mut o: Observation, words: u32, hashtags: u32| {
        o.text = Some(TextStats { words, chars: words * 5, hashtags });
        o
    };
    let bs = vec![et("div", &[], "Post"), e("button", &[("data-testid", "composerPublishBtn")]), e("div", &[("data-testid", "composer")]), body()];
    expect(&with_text(tap("https://bsky.app/", bs.clone()), 6, 1), Kind::Review, Effect::Add, "bluesky.post");
    nothing(&tap("https://bsky.app/", bs));
    expect(&with_text(tap("https://x.com/home", vec![e("button", &[("data-testid", "tweetButton")]), body()]), 3, 0), Kind::Review, Effect::Add, "x.post");
    let yt = vec![et("button", &[("aria-label", "Comment")], "Comment"), e("ytd-button-renderer", &[("id", "submit-button")]), e("ytd-commentbox", &[]), body()];
    expect(&with_text(tap(YT, yt), 5, 0), Kind::Review, Effect::Add, "youtube.comment");
    let rd = vec![et("button", &[("slot", "submit-button"), ("type", "button")], "Comment"), e("shreddit-composer", &[]), body()];
    expect(&with_text(tap("https://www.reddit.com/r/rust/", rd), 5, 0), Kind::Review, Effect::Add, "reddit.comment");
    let tt = vec![et("div", &[("data-e2e", "comment-post"), ("role", "button")], "Post"), e("div", &[]), body()];
    expect(&with_text(tap("https://www.tiktok.com/foryou", tt), 4, 0), Kind::Review, Effect::Add, "tiktok.comment");
    expect(&tap("https://www.tiktok.com/foryou", vec![et("span", &[], "Not interested"), e("li", &[("role", "menuitem")]), body()]), Kind::Feedback, Effect::Add, "tiktok.not-interested");
    expect(&submit("https://github.com/o/r/issues/1", vec![e("form", &[("class", "js-new-comment-form")]), body()], 8, 0), Kind::Review, Effect::Add, "github.comment");
    expect(&submit("https://news.ycombinator.com/item?id=1", vec![e("form", &[("action", "comment"), ("method", "post")]), body()], 8, 0), Kind::Review, Effect::Add, "hackernews.comment");
    expect(&submit("https://www.goodreads.com/book/show/1", vec![e("form", &[("class", "reviewForm")]), body()], 80, 0), Kind::Review, Effect::Add, "goodreads.review");
    let gr_like = |label: &str, p| vec![et("span", &[], "Like"), with_pressed(e("button", &[("aria-label", label)]), p), e("div", &[("class", "SocialFooter__action")]), e("footer", &[]), e("article", &[("class", "ReviewCard")]), body()];
    expect(&click("https://www.goodreads.com/book/show/1", gr_like("Like review", false), gr_like("Like review", true)), Kind::Like, Effect::Add, "goodreads.review-like");
    let gr_rate = vec![e("button", &[("aria-label", "Rate 4 out of 5")]), e("div", &[("class", "RatingStars")]), body()];
    expect(&tap("https://www.goodreads.com/book/show/1", gr_rate), Kind::Rating, Effect::Add, "goodreads.rate");
    let imdb_rate = vec![e("button", &[("aria-label", "Rate 7")]), e("div", &[("class", "ipc-starbar")]), body()];
    expect(&tap("https://www.imdb.com/title/tt1/", imdb_rate), Kind::Rating, Effect::Add, "imdb.rate");
    let confirm = vec![e("button", &[("class", "ipc-btn")]), e("div", &[("class", "ipc-rating-prompt__rating-container")]), body()];
    let claimed = Classifier::default().rules().iter().find(|r| r.target.matches(&confirm)).map(|r| r.spec.id.clone());
    assert_eq!(claimed.as_deref(), Some("imdb.rate-submit"));
    nothing(&tap("https://www.imdb.com/title/tt1/", confirm));
    let gm = vec![et("div", &[("class", "mLuXec")], "Report review"), e("div", &[("role", "menuitemradio")]), e("div", &[("role", "menu")]), e("div", &[("data-review-id", "Ch1")]), body()];
    expect(&tap("https://www.google.com/maps/place/x", gm), Kind::Report, Effect::Add, "google-maps.report");
    expect(&tap("https://www.instagram.com/p/x/", vec![et("button", &[("class", "_a9--")], "Report"), e("div", &[("role", "dialog")]), body()]), Kind::Report, Effect::Add, "instagram.report");
    nothing(&tap("https://www.instagram.com/p/x/", vec![et("button", &[("class", "_a9--")], "Unfollow"), e("div", &[("role", "dialog")]), body()]));
    expect(&tap("https://www.linkedin.com/feed/", vec![et("h5", &[], "Report post"), e("div", &[("role", "button")]), body()]), Kind::Report, Effect::Add, "linkedin.report");
    let md = vec![et("button", &[("class", "button")], "Submit report"), e("div", &[("class", "report-dialog-modal__container")]), e("div", &[("class", "report-dialog-modal")]), body()];
    expect(&tap("https://mastodon.social/home", md), Kind::Report, Effect::Add, "mastodon.report");
}

// ---------------------------------------------------------------- generic heuristic

const BLOG: &str = "https://blog.example.org/post/7";

fn in_article(control: Element) -> Vec<Element> {
    vec![control, e("div", &[("class", "actions")]), e("article", &[("id", "post-1")]), e("main", &[]), body()]
}

#[test]
fn generic_reads_likes_in_six_languages() {
    // (tag, attributes, visible text)
    type Control<'a> = (&'a str, &'a [(&'a str, &'a str)], Option<&'a str>);
    let cases: &[Control] = &[
        ("button", &[("aria-label", "Like")], None),
        ("button", &[("class", "btn-reaction")], Some("J’aime")),
        ("button", &[("title", "Me gusta")], Some("❤")),
        ("button", &[("aria-label", "Gefällt mir")], None),
        ("span", &[("role", "button"), ("aria-label", "Mi piace")], None),
        ("button", &[("data-testid", "curtir-button")], Some("👍")),
        ("button", &[("class", "upvote-btn")], Some("▲")),
        ("a", &[("href", "#"), ("title", "Add to favourites")], Some("★")),
        ("button", &[("aria-label", "Ajouter aux favoris")], None),
        ("button", &[("aria-label", "Like (0 likes)")], None),
    ];
    for (tag, attrs, text) in cases {
        let control = match text {
            Some(t) => et(tag, attrs, t),
            None => e(tag, attrs),
        };
        expect(&tap(BLOG, in_article(control)), Kind::Like, Effect::Add, "generic.like");
    }
    // A click on the icon inside the button finds the button.
    let mut path = in_article(e("button", &[("aria-label", "Like"), ("aria-pressed", "false")]));
    path.insert(0, e("svg", &[]));
    let mut after = path.clone();
    after[1].attrs.insert("aria-pressed".into(), "true".into());
    expect(&click(BLOG, path, after), Kind::Like, Effect::Add, "generic.like");
}

#[test]
fn generic_reads_undo_from_state_or_label() {
    let b = |p: &str| in_article(e("button", &[("aria-label", "Like"), ("aria-pressed", p)]));
    expect(&click(BLOG, b("true"), b("false")), Kind::Like, Effect::Undo, "generic.like");
    // A press the page ignored (still off after settling) is nothing.
    nothing(&click(BLOG, b("false"), b("false")));
    // An "active" class that comes and goes.
    let c = |class: &str| in_article(et("button", &[("class", class)], "J’aime"));
    expect(&click(BLOG, c("btn"), c("btn active")), Kind::Like, Effect::Add, "generic.like");
    expect(&click(BLOG, c("btn active"), c("btn")), Kind::Like, Effect::Undo, "generic.like");
    // A label that flips to "Unlike" after the click.
    let l = |label: &str| in_article(e("button", &[("aria-label", label)]));
    expect(&click(BLOG, l("Like"), l("Unlike")), Kind::Like, Effect::Add, "generic.like");
    expect(&tap(BLOG, l("Unlike")), Kind::Like, Effect::Undo, "generic.like");
    expect(&tap(BLOG, l("Retirer des favoris")), Kind::Like, Effect::Undo, "generic.like");
}

#[test]
fn generic_reads_ratings_reports_feedback() {
    let radio = |v: &str| vec![e("input", &[("type", "radio"), ("name", "rating"), ("value", v)]), e("fieldset", &[]), e("section", &[]), body()];
    let r = Classifier::default().classify(&tap(BLOG, radio("4")));
    assert_eq!((r[0].kind, r[0].value, r[0].replaceable), (Kind::Rating, Some(4.0), true));
    assert_eq!(r[0].item, Classifier::default().classify(&tap(BLOG, radio("5")))[0].item, "one group, one item");
    let star = vec![e("span", &[("role", "radio"), ("aria-label", "4 stars")]), e("div", &[("role", "radiogroup"), ("aria-label", "Rate this recipe")]), body()];
    expect(&tap(BLOG, star), Kind::Rating, Effect::Add, "generic.rating");
    for label in ["Thumbs up", "Thumbs down", "Daumen hoch", "Pouce levé", "Not helpful", "Dislike"] {
        expect(&tap(BLOG, in_article(e("button", &[("aria-label", label)]))), Kind::Rating, Effect::Add, "generic.rating");
    }
    let yes = vec![et("button", &[], "Yes"), et("div", &[("class", "helpful-prompt")], "Was this helpful? Yes No"), body()];
    expect(&tap(BLOG, yes), Kind::Rating, Effect::Add, "generic.rating");
    // "Yes" without a helpfulness question is nothing (a cookie banner, a confirm dialog).
    nothing(&tap(BLOG, vec![et("button", &[], "Yes"), et("div", &[("class", "dialog")], "Delete this draft? Yes No"), body()]));
    for (text, kind) in [("Report", Kind::Report), ("Signaler", Kind::Report), ("Denunciar", Kind::Report), ("Melden", Kind::Report), ("Segnala", Kind::Report), ("Not interested", Kind::Feedback), ("No me interesa", Kind::Feedback), ("Kein Interesse", Kind::Feedback), ("Non mi interessa", Kind::Feedback), ("Não tenho interesse", Kind::Feedback), ("Pas intéressé", Kind::Feedback)] {
        let got = judge(&tap(BLOG, in_article(et("button", &[("class", "menu-item")], text))));
        assert_eq!(got.first().map(|g| g.0), Some(kind), "{text}: {got:?}");
    }
}

#[test]
fn generic_refuses_counters_lists_and_other_buttons() {
    let refused: Vec<Element> = vec![
        et("button", &[], "1,234 likes"),
        et("span", &[("role", "button")], "12 reactions"),
        et("a", &[("href", "#")], "Liked by Alice and 3 others"),
        et("button", &[("class", "reactions-summary")], "See who reacted"),
        e("button", &[("aria-label", "See who reacted to this")]),
        et("button", &[("aria-label", "Share")], "Share"),
        et("button", &[("aria-label", "Comment")], "💬 Comment"),
        et("button", &[], "Subscribe"),
        et("button", &[("aria-label", "Follow Fixture Blog")], "Follow"),
        et("button", &[], "Partager"),
        et("button", &[], "Compartir"),
        et("button", &[], "Teilen"),
        et("button", &[], "Condividi"),
        et("button", &[], "Compartilhar"),
        et("button", &[], "Mi piace a 12 persone"),
        et("a", &[("href", "/likes")], "View likes"),
        et("button", &[], "Masquer le mot de passe"),
        et("button", &[], "Save"),
        et("button", &[], "Reply"),
    ];
    for control in refused {
        let o = tap(BLOG, in_article(control.clone()));
        assert!(judge(&o).is_empty(), "{control:?} counted as {:?}", judge(&o));
    }
    // Links that go somewhere are navigation, whatever their text says; a link's label still counts.
    for (href, text) in [("/movies/star-wars", "Star Wars"), ("https://books.example/heart-of-darkness", "Heart of Darkness"), ("/films/love-actually", "Love Actually"), ("/blog/why-i-like-rust", "Why I like Rust"), ("/shop/hearts-and-stars", "Hearts and stars")] {
        let o = tap(BLOG, vec![et("a", &[("href", href)], text), e("li", &[]), e("nav", &[]), body()]);
        assert!(judge(&o).is_empty(), "{text} counted as {:?}", judge(&o));
    }
    expect(&tap(BLOG, vec![et("a", &[("href", "/fav?id=3"), ("title", "Add to favourites")], "★"), body()]), Kind::Like, Effect::Add, "generic.like");
    expect(&tap(BLOG, vec![et("a", &[("href", "#"), ("class", "action")], "Like"), body()]), Kind::Like, Effect::Add, "generic.like");
    expect(&tap(BLOG, vec![et("a", &[("href", "vote?id=3&how=up")], "Upvote"), body()]), Kind::Like, Effect::Add, "generic.like");
    expect(&tap(BLOG, vec![et("a", &[("href", "/like?id=3"), ("role", "button")], "Like"), body()]), Kind::Like, Effect::Add, "generic.like");
    // Plain text that says "like" is no control.
    nothing(&tap(BLOG, vec![et("p", &[], "I like this recipe and I rate it highly."), e("article", &[]), body()]));
    // Search boxes: clicking into them, Enter in them, their buttons.
    nothing(&tap(BLOG, vec![e("input", &[("type", "search"), ("aria-label", "Search likes")]), e("form", &[("role", "search")]), body()]));
    nothing(&tap(BLOG, vec![et("button", &[("type", "submit")], "Like"), e("form", &[("role", "search")]), body()]));
    let mut enter = observation(Action::TagKey, BLOG, vec![e("input", &[("type", "search"), ("name", "tags")]), e("form", &[]), body()], None);
    enter.has_value = true;
    nothing(&enter);
    let mut search_submit = submit(BLOG, vec![e("form", &[("role", "search")]), body()], 3, 1);
    search_submit.action = Action::Submit;
    nothing(&search_submit);
}

#[test]
fn generic_counts_tags_and_reviews() {
    let mut tag = observation(Action::TagKey, BLOG, vec![e("input", &[("name", "tags"), ("placeholder", "Add tags"), ("type", "text")]), e("form", &[]), body()], None);
    tag.has_value = true;
    expect(&tag, Kind::Tag, Effect::Add, "generic.tag-editor");
    tag.has_value = false; // Enter in an empty tag field adds nothing
    nothing(&tag);
    let mut fr = observation(Action::TagKey, BLOG, vec![e("input", &[("aria-label", "Ajouter des étiquettes")]), body()], None);
    fr.has_value = true;
    expect(&fr, Kind::Tag, Effect::Add, "generic.tag-editor");
    let post = Classifier::default().classify(&submit(BLOG, vec![e("form", &[("id", "g-comment-form")]), body()], 9, 2));
    assert_eq!(post.iter().map(|l| (l.kind, l.amount)).collect::<Vec<_>>(), [(Kind::Review, 1), (Kind::Tag, 2)]);
    assert_eq!((post[0].words, post[0].chars), (Some(9), Some(45)));
    nothing(&submit(BLOG, vec![e("form", &[]), body()], 0, 0));
}

// ---------------------------------------------------------------- state, through the API and the ledger

struct World {
    core: Core,
    store: MemoryStore,
    next: u32,
}

impl World {
    fn new() -> World {
        let store = MemoryStore::new();
        World { core: block_on(Core::load(&store)).unwrap(), store, next: 0 }
    }

    /// Senses an observation at `T0 + ms` as a content script on its page would.
    fn sense(&mut self, mut o: Observation, ms: f64) -> serde_json::Value {
        self.next += 1;
        o.id = format!("obs-{}", self.next);
        o.time = T0 + ms;
        let sender = Sender { content_script: true, tab_url: Some(o.url.clone()), ..Sender::default() };
        block_on(self.core.handle(&self.store, &sender, Request::Sense { observation: o })).unwrap()
    }

    /// A service-worker stop: a fresh core over the same store.
    fn restart(&mut self) {
        self.core = block_on(Core::load(&self.store)).unwrap();
    }

    fn count(&mut self, kind: &str) -> i64 {
        let s: Summary = serde_json::from_value(block_on(self.core.handle(&self.store, &Sender::default(), Request::Summary)).unwrap()).unwrap();
        s.kinds[kind]
    }

    fn settings(&mut self, settings: Settings) -> digitus::Result<serde_json::Value> {
        block_on(self.core.handle(&self.store, &Sender::default(), Request::SetSettings { settings }))
    }
}

#[test]
fn x_like_then_unlike_on_the_re_rendered_node_cancels() {
    let url = "https://x.com/home";
    let button = |testid: &str| vec![e("button", &[("data-testid", testid)]), e("div", &[("role", "group")]), e("article", &[("data-testid", "tweet")]), body()];
    let mut w = World::new();
    w.sense(click(url, button("like"), button("unlike")), 0.0);
    assert_eq!(w.count("like"), 1);
    let undo = w.sense(click(url, button("unlike"), button("like")), 5_000.0);
    assert_eq!(undo["outcomes"][0]["effect"], "undo");
    assert_eq!(w.count("like"), 0);
}

#[test]
fn hacker_news_unvote_elsewhere_on_the_page_cancels_the_upvote() {
    let url = "https://news.ycombinator.com/item?id=41234567";
    let up = vec![e("div", &[("class", "votearrow")]), e("a", &[("id", "up_41234567"), ("class", "clicky"), ("href", "vote?id=41234567&how=up")]), e("td", &[]), e("tr", &[]), body()];
    let other = vec![e("div", &[("class", "votearrow")]), e("a", &[("id", "up_41234999"), ("class", "clicky"), ("href", "vote?id=41234999&how=up")]), e("td", &[]), e("tr", &[]), body()];
    let un = vec![e("a", &[("id", "un_41234567"), ("href", "vote?id=41234567&how=un")]), e("span", &[]), e("td", &[("class", "subtext")]), e("tr", &[]), body()];
    let mut w = World::new();
    w.sense(tap(url, up), 0.0);
    w.sense(tap(url, other), 100.0);
    assert_eq!(w.count("like"), 2);
    w.sense(tap(url, un), 4_000.0);
    assert_eq!(w.count("like"), 1, "only the story's upvote is taken back");
}

#[test]
fn a_changed_rating_replaces_the_first_and_one_press_counts_once() {
    let url = "https://www.imdb.com/title/tt0111161/";
    let rate = |n: &str| vec![e("button", &[("aria-label", n)]), e("div", &[("class", "ipc-starbar")]), e("div", &[("class", "ipc-rating-prompt")]), body()];
    let mut w = World::new();
    w.sense(tap(url, rate("Rate 5")), 0.0);
    // The same press reported twice (a framework firing twice) counts once.
    let again = w.sense(tap(url, rate("Rate 5")), 300.0);
    assert_eq!(again["outcomes"][0]["outcome"], "ignored");
    let replaced = w.sense(tap(url, rate("Rate 8")), 3_000.0);
    assert!(replaced["outcomes"][0]["cancels"].is_string(), "{replaced}");
    assert_eq!(w.count("rating"), 1);
    // A stateless generic like clicked twice in a row (a double click) is one like.
    let plain = in_article(et("button", &[], "Like"));
    w.sense(tap(BLOG, plain.clone()), 10_000.0);
    w.sense(tap(BLOG, plain), 10_150.0);
    assert_eq!(w.count("like"), 1);
}

#[test]
fn paused_sites_and_local_rules() {
    let mut w = World::new();
    let url = "https://www.example-shop.com/item/1";
    let wish = || vec![et("span", &[], "♡"), e("button", &[("class", "wish-toggle")]), e("div", &[("class", "product")]), body()];
    // No bundled rule and no keyword: nothing.
    w.sense(tap(url, wish()), 0.0);
    assert_eq!(w.count("like"), 0);
    // The user's own rule counts it, and the event names that rule.
    let local = r#"{"format": 1, "sites": ["example-shop.com"], "rules": [{"id": "local.wish", "version": 1, "kind": "like", "target": "button.wish-toggle"}]}"#;
    w.settings(Settings { local_rules: local.into(), ..Settings::default() }).unwrap();
    let recorded = w.sense(tap(url, wish()), 1_000.0);
    assert_eq!(recorded["outcomes"][0]["rule"], "local.wish@1");
    assert_eq!(w.count("like"), 1);
    // A bad local rule file is refused with a reason and the previous rules stay.
    let err = w.settings(Settings { local_rules: "{\"format\": 1, \"sites\": [\"a.test\"], \"rules\": [{\"id\": \"x\", \"version\": 1, \"kind\": \"like\", \"target\": \"button[\"}]}".into(), ..Settings::default() });
    assert!(err.unwrap_err().to_string().contains("selector"));
    // Paused (as typed, with its www.): nothing is recorded on that site.
    w.settings(Settings { local_rules: local.into(), paused_sites: ["www.example-shop.com".to_string()].into(), ..Settings::default() }).unwrap();
    let paused = w.sense(tap("https://www.example-shop.com/item/2", wish()), 5_000.0);
    assert_eq!(paused["outcomes"][0]["reason"], "paused on this site");
    assert_eq!(w.count("like"), 1);
}

#[test]
fn every_bundled_rule_file_names_the_schema_and_is_covered_here() {
    let source = include_str!("detection.rs");
    for (name, json) in bundled_files() {
        let raw: serde_json::Value = serde_json::from_str(json).unwrap();
        assert_eq!(raw["$schema"], "../rules.schema.json", "{name}");
        for rule in load_file(name, json, true).unwrap() {
            assert!(source.contains(&format!("\"{}\"", rule.spec.id)), "rule {} has no native test in tests/detection.rs", rule.spec.id);
        }
    }
}

#[test]
fn the_json_schema_describes_what_the_loader_reads() {
    use digitus::rules::{AmountSource, RuleEffect, RuleSpec, ValueSource};
    let schema: serde_json::Value = serde_json::from_str(include_str!("../data/rules/rules.schema.json")).unwrap();
    let rule = &schema["$defs"]["rule"];
    // Every field the loader knows, filled in, must be a schema property, and the other way round.
    let full = RuleSpec {
        id: "a.b".into(),
        version: 1,
        kind: Kind::Like,
        target: "b".into(),
        effect: RuleEffect::Toggle,
        on: Some("b".into()),
        item: Some("b".into()),
        item_id_attr: Some("id".into()),
        words: vec!["like".into()],
        value: Some(ValueSource::Label),
        amount: Some(AmountSource::Hashtags),
        actions: vec![Action::Click],
        needs_text: true,
        fixture: Some("f".into()),
        note: Some("n".into()),
    };
    let fields: std::collections::BTreeSet<String> = serde_json::to_value(&full).unwrap().as_object().unwrap().keys().cloned().collect();
    let props: std::collections::BTreeSet<String> = rule["properties"].as_object().unwrap().keys().cloned().collect();
    assert_eq!(fields, props);
    let kinds: Vec<String> = Kind::ALL.iter().map(|k| k.as_str().to_string()).collect();
    assert_eq!(serde_json::from_value::<Vec<String>>(rule["properties"]["kind"]["enum"].clone()).unwrap(), kinds);
    for effect in rule["properties"]["effect"]["enum"].as_array().unwrap() {
        serde_json::from_value::<RuleEffect>(effect.clone()).unwrap();
    }
    for action in rule["properties"]["actions"]["items"]["enum"].as_array().unwrap() {
        serde_json::from_value::<Action>(action.clone()).unwrap();
    }
    // Rule ids follow the schema's pattern (site.what).
    for (name, json) in bundled_files() {
        for r in load_file(name, json, true).unwrap() {
            let parts: Vec<&str> = r.spec.id.split('.').collect();
            assert!(parts.len() >= 2 && parts.iter().all(|p| !p.is_empty() && p.chars().all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-')), "{}", r.spec.id);
        }
    }
}

// ---------------------------------------------------------------- judgement by meaning and change (issue 10)

/// A click whose page's answer is not known yet (the sensor reports at once): judged on the before-state.
fn at_once(url: &str, path: Vec<Element>) -> Observation {
    observation(Action::Click, url, path, None)
}

fn with(mut el: Element, attr: &str, value: &str) -> Element {
    el.attrs.insert(attr.into(), value.into());
    el
}

#[test]
fn ruled_sites_keep_the_generic_judgement_for_what_their_rules_do_not_know() {
    // Facebook in German: the rule knows English, French and Vietnamese labels; the generic judgement reads
    // "Gefällt mir" and the swap to "Gefällt mir nicht mehr".
    let fb = "https://www.facebook.com/";
    let like = |label: &str| vec![et("span", &[], label), e("div", &[("role", "button"), ("aria-label", label)]), e("div", &[]), e("div", &[("role", "article")]), body()];
    expect(&click(fb, like("Gefällt mir"), like("Gefällt mir nicht mehr")), Kind::Like, Effect::Add, "generic.like");
    expect(&click(fb, like("Gefällt mir nicht mehr"), like("Gefällt mir")), Kind::Like, Effect::Undo, "generic.like");
    // Portuguese, and a like on a comment (text only, no label): the rest of the site is not invisible.
    expect(&click(fb, like("Curtir"), like("Descurtir")), Kind::Like, Effect::Add, "generic.like");
    let comment_like = |class: &str| vec![et("div", &[("role", "button"), ("class", class)], "Me gusta"), e("li", &[]), e("ul", &[("aria-label", "Comentarios")]), body()];
    expect(&click(fb, comment_like("x1i10"), comment_like("x1i10 active")), Kind::Like, Effect::Add, "generic.like");
    // A new Mastodon button variant: the rule reads the "active" class, the page now flips aria-pressed.
    let md = "https://mastodon.social/home";
    let fav = |p| vec![with_pressed(e("button", &[("class", "status__action-bar__button star-icon icon-button"), ("title", "Favourite")]), p), e("div", &[("class", "status__action-bar")]), body()];
    expect(&click(md, fav(false), fav(true)), Kind::Like, Effect::Add, "generic.like");
    // …while a click the page did not act on stays nothing, and what the rule claims stays the rule's.
    nothing(&tap(md, fav(false)));
    expect(&click(md, vec![e("button", &[("class", "star-icon"), ("title", "Favourite")]), body()], vec![e("button", &[("class", "star-icon active"), ("title", "Favourite")]), body()]), Kind::Like, Effect::Add, "mastodon.favourite");
    // YouTube in Spanish: the report menu item carries only its text.
    let menu = |text: &str| vec![et("yt-formatted-string", &[], text), e("tp-yt-paper-item", &[("role", "option")]), e("ytd-menu-service-item-renderer", &[("role", "menuitem")]), body()];
    expect(&tap(YT, menu("No me interesa")), Kind::Feedback, Effect::Add, "youtube.not-interested");
    expect(&tap(YT, menu("Não tenho interesse")), Kind::Feedback, Effect::Add, "youtube.not-interested");
    // A veto stays a veto: IMDb's "Rate" confirmation counts nothing.
    nothing(&tap("https://www.imdb.com/title/tt1/", vec![e("button", &[("class", "ipc-btn")]), e("div", &[("class", "ipc-rating-prompt__rating-container")]), body()]));
}

#[test]
fn switches_radios_reactions_and_label_pickers_are_read_by_their_aria_state() {
    let app = "https://music.example.com/album/1";
    // role=switch saves: aria-checked false → true adds, true → false undoes, unchanged is nothing.
    let switch = |label: &str, c: &str| vec![e("span", &[("class", "thumb")]), e("div", &[("role", "switch"), ("aria-checked", c), ("aria-label", label)]), e("div", &[("class", "track-actions")]), body()];
    expect(&click(app, switch("Favourite", "false"), switch("Favourite", "true")), Kind::Like, Effect::Add, "generic.like");
    expect(&click(app, switch("Favourite", "true"), switch("Favourite", "false")), Kind::Like, Effect::Undo, "generic.like");
    expect(&click(app, switch("Ajouter aux favoris", "false"), switch("Ajouter aux favoris", "true")), Kind::Like, Effect::Add, "generic.like");
    nothing(&click(app, switch("Favourite", "false"), switch("Favourite", "false")));
    nothing(&click(app, switch("Dark mode", "false"), switch("Dark mode", "true")));
    // The page's answer not known yet: judged on the state before.
    expect(&at_once(app, switch("Me gusta", "false")), Kind::Like, Effect::Add, "generic.like");
    expect(&at_once(app, switch("Me gusta", "true")), Kind::Like, Effect::Undo, "generic.like");

    // role=radio stars with nothing but a number, in a group labelled in several languages.
    for group in ["Rate this album", "Votre note", "Calificación", "Bewertung", "Valutazione", "Avaliação"] {
        let star = |n: &str, c: &str| vec![e("span", &[("role", "radio"), ("aria-checked", c), ("aria-label", n)]), e("div", &[("role", "radiogroup"), ("aria-label", group)]), e("form", &[]), body()];
        let got = Classifier::default().classify(&click(app, star("4", "false"), star("4", "true")));
        assert_eq!(got.iter().map(|l| (l.kind, l.effect, l.value)).collect::<Vec<_>>(), [(Kind::Rating, Effect::Add, Some(4.0))], "{group}");
        let five = Classifier::default().classify(&at_once(app, star("5", "false")));
        assert_eq!(five[0].item, got[0].item, "{group}: one group, one item, so 5 replaces 4");
    }
    // A radio group that is no rating (a size, a shipping option).
    nothing(&tap(app, vec![e("span", &[("role", "radio"), ("aria-label", "4")]), e("div", &[("role", "radiogroup"), ("aria-label", "Quantity")]), body()]));

    // Reactions labelled by an emoji and a count.
    let react = |text: &str, p| vec![with_pressed(et("button", &[("class", "reaction")], text), p), e("div", &[("class", "reactions")]), e("li", &[("class", "message")]), body()];
    expect(&click(app, react("😂 3", false), react("😂 4", true)), Kind::Like, Effect::Add, "generic.like");
    expect(&click(app, react("👍 12", true), react("👍 11", false)), Kind::Like, Effect::Undo, "generic.like");
    expect(&click(app, react("👍🏽", false), react("👍🏽 1", true)), Kind::Like, Effect::Add, "generic.like");
    // A bare icon with no word and no count says too little (a user's own rule can name it).
    let icon = |p| in_article(with_pressed(et("button", &[("class", "x9a2")], "♡"), p));
    nothing(&click(app, icon(false), icon(true)));
    expect(&click(app, react("👎 2", false), react("👎 3", true)), Kind::Rating, Effect::Add, "generic.rating");
    nothing(&click(app, react("😂 3", false), react("😂 3", false)));

    // menuitemcheckbox label pickers (en, fr, de), on and off; a view menu's checkbox is no tag.
    for menu in ["Apply labels to this issue", "Étiquettes", "Labels"] {
        let label = |c: &str| vec![et("span", &[], "needs triage"), e("div", &[("role", "menuitemcheckbox"), ("aria-checked", c)]), e("div", &[("role", "menu"), ("aria-label", menu)]), body()];
        expect(&click(app, label("false"), label("true")), Kind::Tag, Effect::Add, "generic.tag");
        expect(&click(app, label("true"), label("false")), Kind::Tag, Effect::Undo, "generic.tag");
        expect(&at_once(app, label("false")), Kind::Tag, Effect::Add, "generic.tag");
    }
    let view = |c: &str| vec![et("span", &[], "Show line numbers"), e("div", &[("role", "menuitemcheckbox"), ("aria-checked", c)]), e("div", &[("role", "menu"), ("aria-label", "View options")]), body()];
    nothing(&click(app, view("false"), view("true")));
    // A tag by its words: "Tag people", "Etiquetar personas".
    expect(&tap(app, in_article(e("button", &[("aria-label", "Etiquetar personas")]))), Kind::Tag, Effect::Add, "generic.tag");
}

#[test]
fn look_alikes_count_nothing() {
    let page = "https://shop.example.com/p/1";
    let refused: Vec<Vec<Element>> = vec![
        // counts and lists of people
        in_article(et("button", &[], "Like: 12 people")),
        in_article(et("button", &[], "J’aime : 12 personnes")),
        in_article(et("span", &[("role", "button")], "Gefällt 12 Personen")),
        in_article(e("button", &[("aria-label", "See who reacted to this")])),
        in_article(e("button", &[("aria-label", "Ver reacciones")])),
        in_article(et("a", &[("href", "#")], "Curtido por ana e outras 3 pessoas")),
        // average-rating displays, interactive or not
        vec![e("span", &[("class", "star")]), e("div", &[("role", "img"), ("aria-label", "Rated 4.5 out of 5")]), body()],
        vec![et("a", &[("href", "#reviews")], "4.5 out of 5 stars, 1,234 ratings"), body()],
        vec![et("button", &[("class", "rating-summary")], "4,5 sur 5 · 1 234 avis"), body()],
        vec![e("div", &[("role", "radio"), ("aria-label", "4 stars"), ("aria-disabled", "true")]), e("div", &[("role", "radiogroup"), ("aria-readonly", "true")]), body()],
        vec![et("button", &[], "Durchschnittliche Bewertung 4,2"), body()],
        // tabs and navigation to likes pages
        vec![et("div", &[("role", "tab"), ("aria-selected", "false")], "Likes"), e("div", &[("role", "tablist")]), body()],
        vec![et("button", &[("role", "tab")], "J’aime"), e("div", &[("role", "tablist")]), body()],
        vec![et("a", &[("href", "/@someone/likes")], "Likes"), e("nav", &[]), body()],
        // consent banners, their buttons and their switches
        vec![et("button", &[("id", "accept-all")], "Accept all"), e("div", &[("id", "cookie-banner")]), body()],
        vec![et("button", &[], "Tout accepter"), e("div", &[("class", "consent-dialog")]), body()],
        vec![e("div", &[("role", "switch"), ("aria-checked", "false"), ("aria-label", "Personalised ads")]), e("section", &[("id", "gdpr-vendors")]), body()],
        // openers of pickers and dialogs: the act is what is chosen in them
        in_article(with(et("button", &[("aria-label", "Add reaction")], "🙂"), "aria-haspopup", "menu")),
        in_article(with(et("button", &[], "Report"), "aria-haspopup", "dialog")),
        // share, follow, subscribe, repost
        in_article(et("button", &[], "Republier")),
        in_article(et("button", &[], "Repost")),
        in_article(et("button", &[], "Folgen")),
        in_article(et("button", &[], "S'abonner")),
        in_article(et("button", &[], "Condividi")),
    ];
    for path in refused {
        let mut after = path.clone();
        if let Some(c) = after.iter_mut().find(|e| e.attrs.contains_key("aria-checked")) {
            c.attrs.insert("aria-checked".into(), "true".into());
        }
        let o = click(page, path.clone(), after);
        assert!(judge(&o).is_empty(), "{:?} counted as {:?}", path[0], judge(&o));
        assert!(judge(&at_once(page, path.clone())).is_empty(), "{:?} counted at once", path[0]);
    }
    // An icon inside a button is no display: an svg labelled "Like" with role=img.
    let icon = |label: &str| vec![e("svg", &[("role", "img"), ("aria-label", label)]), e("div", &[("role", "button")]), e("section", &[]), body()];
    expect(&click(page, icon("Like"), icon("Unlike")), Kind::Like, Effect::Add, "generic.like");
    // The same words on real controls still count: a toggle that also shows who ("Like, 12 people") and a star.
    expect(&click(page, in_article(with_pressed(et("button", &[], "Like · 12 people"), false)), in_article(with_pressed(et("button", &[], "Like · 13 people"), true))), Kind::Like, Effect::Add, "generic.like");
    expect(&tap(page, vec![e("input", &[("type", "radio"), ("name", "rating"), ("value", "4"), ("aria-label", "4 out of 5")]), e("fieldset", &[]), body()]), Kind::Rating, Effect::Add, "generic.rating");
}

#[test]
fn one_act_one_count_across_menu_dialog_and_submit() {
    use digitus::classify::Stage;
    let page = "https://forum.example.net/t/42";
    let c = Classifier::default();
    // The stage each step is judged at.
    let menu_item = vec![et("span", &[], "Report"), e("div", &[("role", "menuitem")]), e("div", &[("role", "menu")]), e("article", &[]), body()];
    let reason = |why: &str| vec![e("input", &[("type", "radio"), ("name", "reason"), ("aria-label", why)]), e("fieldset", &[]), e("form", &[]), e("div", &[("role", "dialog")]), body()];
    let submit_report = vec![et("button", &[("type", "submit")], "Submit report"), e("form", &[]), e("div", &[("role", "dialog")]), body()];
    assert_eq!(c.judge(&tap(page, menu_item.clone())).stage, Stage::Choice);
    assert_eq!(c.judge(&tap(page, submit_report.clone())).stage, Stage::Commit);
    nothing(&tap(page, reason("Spam")));

    let mut w = World::new();
    w.sense(tap(page, menu_item.clone()), 0.0);
    w.sense(tap(page, reason("Spam")), 2_000.0);
    w.sense(tap(page, reason("Harassment")), 3_000.0); // changing the reason counts nothing
    // The service worker stops between the choice and the commitment: the flow is in the store.
    w.restart();
    let committed = w.sense(tap(page, submit_report.clone()), 9_000.0);
    assert_eq!(committed["outcomes"][0]["reason"], "already counted at its choice", "{committed}");
    assert_eq!(w.count("report"), 1);
    // A second report, later, on another post: its own act.
    w.sense(tap(page, menu_item.clone()), 400_000.0);
    w.sense(tap(page, submit_report.clone()), 405_000.0);
    assert_eq!(w.count("report"), 2);
    // A one-step report (a dialog's button with no menu before it) counts.
    w.sense(tap(page, submit_report.clone()), 900_000.0);
    assert_eq!(w.count("report"), 3);
    // In French, the dialog's reason changed between two report items before committing: one report.
    let fr_item = |t: &str| vec![et("span", &[], t), e("div", &[("role", "menuitem")]), e("div", &[("role", "menu")]), body()];
    let fr_reason = |t: &str| vec![et("div", &[("role", "radio")], t), e("div", &[("role", "radiogroup")]), e("div", &[("role", "dialog")]), body()];
    w.sense(tap(page, fr_item("Signaler")), 1_900_000.0);
    w.sense(tap(page, fr_reason("Signaler comme spam")), 1_901_000.0);
    w.sense(tap(page, fr_reason("Signaler un abus")), 1_902_000.0);
    w.sense(tap(page, vec![et("button", &[], "Signaler"), e("div", &[("role", "dialog")]), body()]), 1_905_000.0);
    assert_eq!(w.count("report"), 4);
    // Two report buttons outside any dialog are two reports.
    w.sense(tap(page, fr_item("Signaler")), 2_500_000.0);
    w.sense(tap(page, in_article(et("button", &[("class", "menu-item")], "Report"))), 2_501_000.0);
    assert_eq!(w.count("report"), 6);

    // Stars then submit: one rating, the last star's value.
    let shop = "https://shop.example.com/p/9";
    let star = |n: &str| vec![e("input", &[("type", "radio"), ("name", "stars"), ("value", n)]), e("fieldset", &[]), e("form", &[("class", "review-form")]), body()];
    let submit_rating = vec![et("button", &[("type", "submit")], "Submit rating"), e("form", &[("class", "review-form")]), body()];
    assert_eq!(judge(&tap(shop, submit_rating.clone()))[0].0, Kind::Rating, "alone, the button is a rating");
    w.sense(tap(shop, star("3")), 2_000_000.0);
    w.sense(tap(shop, star("4")), 2_003_000.0);
    w.sense(tap(shop, submit_rating.clone()), 2_006_000.0);
    assert_eq!(w.count("rating"), 1);
    // Stars on two products of a list are two ratings.
    let list_star = |product: u32, n: &str| {
        let mut p = vec![e("span", &[("role", "radio"), ("aria-label", n)]), e("div", &[("role", "radiogroup"), ("aria-label", "Rate")]), e("li", &[])];
        p[2].nth = product;
        p.push(body());
        p
    };
    w.sense(tap(shop, list_star(1, "5 stars")), 3_000_000.0);
    w.sense(tap(shop, list_star(2, "2 stars")), 3_004_000.0);
    assert_eq!(w.count("rating"), 3);
}

#[test]
fn flows_step_natively() {
    use digitus::classify::Stage;
    use digitus::flow::{step, Act, FLOW_WINDOW_MS};
    let act = |id, stage, scope, time| Act { id, kind: Kind::Report, stage, scope, time };
    let (counts, flow) = step(None, &act("a", Stage::Choice, None, 0.0));
    assert!(counts);
    let (counts, flow) = step(flow, &act("b", Stage::Commit, Some("dialog"), 1_000.0));
    assert!(!counts, "the commitment of a menu choice");
    // A retry of either answers the same.
    assert!(!step(flow.clone(), &act("b", Stage::Commit, Some("dialog"), 1_000.0)).0);
    assert!(step(flow.clone(), &act("a", Stage::Choice, None, 0.0)).0);
    // After the commitment, a new commitment is a new act; so is one beyond the window.
    assert!(step(flow, &act("c", Stage::Commit, Some("dialog"), 2_000.0)).0);
    let (_, open) = step(None, &act("d", Stage::Choice, None, 0.0));
    assert!(step(open, &act("e", Stage::Commit, None, FLOW_WINDOW_MS + 1.0)).0);
    // A choice made in one form is not committed by another form's submit.
    let (_, open) = step(None, &Act { id: "f", kind: Kind::Rating, stage: Stage::Choice, scope: Some("form-1"), time: 0.0 });
    assert!(step(open.clone(), &Act { id: "g", kind: Kind::Rating, stage: Stage::Commit, scope: Some("form-2"), time: 10.0 }).0);
    assert!(!step(open, &Act { id: "h", kind: Kind::Rating, stage: Stage::Commit, scope: Some("form-1"), time: 10.0 }).0);
}
