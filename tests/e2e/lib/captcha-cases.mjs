// CAPTCHA cases shared by tests/e2e/captcha.chromium.test.mjs and captcha.firefox.test.mjs. Each case opens
// a host page (tests/fixtures/sites/<host>/…) that embeds fixture frames served under the providers' real
// hosts, then performs steps with trusted clicks. Each browser file implements the steps:
//   { frame, click, nth }       click the nth element matching `click` inside the iframe `frame`
//                               (frame null: the host page itself)
//   { frame, waitText, text }   wait until the element's text contains `text` (a new round is shown)
//   { frame, type, text }       type `text` into the field `type` inside the iframe `frame`
//   { frame, key, on }          focus `on` inside the iframe `frame` and press `key` (keyboard users)
//   { pause }                   let the page move on (a dynamic tile reloading)
// and then checks, against the summary API and the newest event, what the case expects. Durations are
// checked against the fixture page's own clock (window.fixture.first / .success), never timed here.
import assert from "node:assert/strict";
import { eventually } from "./chromium.mjs";

export const ANCHOR = 'iframe[title="reCAPTCHA"]';
export const BFRAME = 'iframe[title^="recaptcha challenge"]';
export const HC_CHECKBOX = "#hc-checkbox";
export const HC_CHALLENGE = "#hc-challenge";
export const TURNSTILE = "#cf-chl-widget-fixture";
const TILE = "td.rc-imageselect-tile";
const VERIFY = "#recaptcha-verify-button";
const OBJECT = ".rc-imageselect-instructions strong";

const tiles = (frame, selector, indexes) => indexes.map((nth) => ({ frame, click: selector, nth }));

export const CASES = [
  {
    name: "reCAPTCHA: checkbox only",
    url: "https://shop.example.com/checkout.html?case=checkbox",
    steps: [{ frame: ANCHOR, click: "#recaptcha-anchor" }],
    expect: { solves: 1, provider: "recaptcha", site: "example.com", rounds: 0, failed_rounds: 0, labels: {} },
  },
  {
    name: "reCAPTCHA: checkbox only, from the keyboard (Space)",
    url: "https://shop.example.com/checkout.html?case=checkbox",
    steps: [{ frame: ANCHOR, key: "Space", on: "#recaptcha-anchor" }],
    expect: { solves: 1, provider: "recaptcha", site: "example.com", rounds: 0, failed_rounds: 0, labels: {} },
  },
  {
    name: "reCAPTCHA: one 3×3 round, a tile selected then deselected",
    url: "https://shop.example.com/checkout.html?case=image33",
    steps: [
      { frame: ANCHOR, click: "#recaptcha-anchor" },
      { frame: BFRAME, waitText: OBJECT, text: "traffic lights" },
      ...tiles(BFRAME, TILE, [0, 1, 4, 7, 1]),
      { frame: BFRAME, click: VERIFY },
    ],
    expect: { solves: 1, provider: "recaptcha", site: "example.com", rounds: 1, failed_rounds: 0, labels: { "traffic lights": 3 } },
  },
  {
    name: "reCAPTCHA: a refused round, then success",
    url: "https://shop.example.com/checkout.html?case=fail",
    steps: [
      { frame: ANCHOR, click: "#recaptcha-anchor" },
      { frame: BFRAME, waitText: OBJECT, text: "crosswalks" },
      ...tiles(BFRAME, TILE, [2, 5, 8]),
      { frame: BFRAME, click: VERIFY },
      { frame: BFRAME, waitText: OBJECT, text: "bicycles" },
      { frame: BFRAME, waitText: ".rc-imageselect-incorrect-response", text: "Please try again" },
      { pause: 300 }, // the error is on screen before the next tile, as it would be for a person
      ...tiles(BFRAME, TILE, [0, 3]),
      { frame: BFRAME, click: VERIFY },
    ],
    expect: { solves: 1, provider: "recaptcha", site: "example.com", rounds: 2, failed_rounds: 1, labels: { crosswalks: 3, bicycles: 2 } },
  },
  {
    name: "reCAPTCHA enterprise on recaptcha.net: one 4×4 round",
    url: "https://shop.example.com/checkout.html?case=image44",
    steps: [
      { frame: ANCHOR, click: "#recaptcha-anchor" },
      { frame: BFRAME, waitText: OBJECT, text: "motorcycles" },
      ...tiles(BFRAME, TILE, [0, 1, 4, 5, 9]),
      { frame: BFRAME, click: VERIFY },
    ],
    expect: { solves: 1, provider: "recaptcha", site: "example.com", rounds: 1, failed_rounds: 0, labels: { motorcycles: 5 } },
  },
  {
    name: "reCAPTCHA: a dynamic 3×3 round whose tiles reload",
    url: "https://shop.example.com/checkout.html?case=dynamic",
    steps: [
      { frame: ANCHOR, click: "#recaptcha-anchor" },
      { frame: BFRAME, waitText: OBJECT, text: "fire hydrants" },
      ...tiles(BFRAME, TILE, [0, 4]),
      { pause: 1000 }, // tile 4 fades and a new image loads into it
      ...tiles(BFRAME, TILE, [4, 8]),
      { pause: 1000 },
      { frame: BFRAME, click: VERIFY },
    ],
    expect: { solves: 1, provider: "recaptcha", site: "example.com", rounds: 1, failed_rounds: 0, labels: { "fire hydrants": 4 } },
  },
  {
    name: "reCAPTCHA: the audio challenge instead of the images",
    url: "https://shop.example.com/checkout.html?case=audio",
    steps: [
      { frame: ANCHOR, click: "#recaptcha-anchor" },
      { frame: BFRAME, waitText: OBJECT, text: "stairs" },
      { frame: BFRAME, click: "#recaptcha-audio-button" },
      { frame: BFRAME, type: "#audio-response", text: "seven three nine" },
      { frame: BFRAME, click: VERIFY },
    ],
    expect: { solves: 1, provider: "recaptcha", site: "example.com", rounds: 1, failed_rounds: 0, labels: {}, audio: true },
  },
  {
    name: "hCaptcha: two pages of image labels",
    url: "https://forum.example.org/register.html",
    steps: [
      { frame: HC_CHECKBOX, click: "#checkbox" },
      { frame: HC_CHALLENGE, waitText: ".prompt-text", text: "bicycle" },
      ...tiles(HC_CHALLENGE, ".task-image", [0, 2, 6]),
      { frame: HC_CHALLENGE, click: ".button-submit" },
      { frame: HC_CHALLENGE, waitText: ".button-submit", text: "Verify" },
      ...tiles(HC_CHALLENGE, ".task-image", [1, 3]),
      { frame: HC_CHALLENGE, click: ".button-submit" },
    ],
    expect: { solves: 1, provider: "hcaptcha", site: "example.org", rounds: 2, failed_rounds: 0, labels: { bicycle: 5 } },
  },
  {
    name: "Turnstile: a click in the closed widget, the token on the host page",
    url: "https://login.example.net/signin.html?mode=managed",
    steps: [{ frame: TURNSTILE, click: "#content" }],
    expect: { solves: 1, provider: "turnstile", site: "example.net", rounds: 0, failed_rounds: 0, labels: {} },
  },
  {
    name: "Turnstile, non-interactive: a token without a question counts nothing",
    url: "https://login.example.net/signin.html?mode=auto",
    steps: [],
    expect: { solves: 0 },
  },
  {
    name: "invisible reCAPTCHA badge: a token on submit counts nothing",
    url: "https://shop.example.com/checkout.html?case=invisible",
    steps: [
      { frame: ANCHOR, click: "#privacy" },
      { frame: null, click: "#order" },
    ],
    expect: { solves: 0 },
  },
];

/** `eventually` with a longer default wait: a challenge takes several steps to reach success. */
export const until = (probe, accept, options = {}) => eventually(probe, accept, { timeout: 20_000, ...options });

/** Slack for the recorded duration against the page's clock: sensors' debounce and the field poll. */
export const DURATION_EARLY_MS = 50;
export const DURATION_LATE_MS = 1_000;

/**
 * Runs one case with a browser driver: `open(url)`, `step(step)`, `fixture()` (the page's
 * window.fixture), `ask(message)`. Returns the new event (or null).
 */
export async function runCase(c, { open, step, fixture, ask }) {
  const before = await ask({ type: "summary" });
  await open(c.url);
  for (const s of c.steps) await step(s);
  const page = await until(fixture, (f) => f && f.success !== null, { timeout: 30_000 });
  assert.ok(page?.success, `${c.name}: the fixture reached success (${JSON.stringify(page)})`);

  if (!c.expect.solves) {
    await new Promise((r) => setTimeout(r, 1_500)); // time for any (wrong) sighting to land
    const after = await ask({ type: "summary" });
    assert.equal(after.captcha.solves, before.captcha.solves, `${c.name}: no solve`);
    assert.equal(after.kinds.captcha, before.kinds.captcha);
    assert.equal(after.captcha.labels, before.captcha.labels);
    assert.equal(after.events, before.events, `${c.name}: no labour at all`);
    return null;
  }

  const after = await until(() => ask({ type: "summary" }), (s) => s.captcha.solves >= before.captcha.solves + 1);
  assert.equal(after.captcha.solves, before.captcha.solves + 1, `${c.name}: one solve`);
  assert.equal(after.kinds.captcha, before.kinds.captcha + 1, `${c.name}: kind captcha counts solves`);
  // Nothing else was counted for the clicks in the widget (the general sensor also sees them).
  assert.equal(after.events - before.events, 1, `${c.name}: the solve is the only new labour`);
  const labels = Object.values(c.expect.labels).reduce((a, b) => a + b, 0);
  assert.equal(after.captcha.labels - before.captcha.labels, labels, `${c.name}: labels`);
  for (const [object, n] of Object.entries(c.expect.labels)) {
    assert.equal((after.captcha.by_object[object] ?? 0) - (before.captcha.by_object[object] ?? 0), n, `${c.name}: ${object}`);
  }
  for (const object of Object.keys(after.captcha.by_object)) {
    if (!(object in c.expect.labels)) assert.equal(after.captcha.by_object[object], before.captcha.by_object[object], `${c.name}: no "${object}" labels`);
  }
  assert.equal(after.sites[c.expect.site]?.captcha ?? 0, (before.sites[c.expect.site]?.captcha ?? 0) + 1, `${c.name}: site`);

  const { events } = await ask({ type: "recent", limit: 10 });
  const event = events.find((e) => e.kind === "captcha");
  assert.ok(event, `${c.name}: a captcha event`);
  // The fixtures' tokens (reCAPTCHA "03AFcWeA…", hCaptcha "P1_eyJ…", Turnstile "0.fixture-token…") never
  // leave the page.
  assert.doesNotMatch(JSON.stringify(events), /03AFcWeA|P1_eyJ0eXAi|fixture-token/, `${c.name}: no token stored`);
  assert.equal(event.site, c.expect.site);
  assert.equal(event.captcha.provider, c.expect.provider);
  assert.equal(event.captcha.rounds, c.expect.rounds, `${c.name}: rounds`);
  assert.equal(event.captcha.failed_rounds, c.expect.failed_rounds, `${c.name}: failed rounds`);
  assert.deepEqual(event.captcha.labels, c.expect.labels);
  assert.equal(event.captcha.audio, c.expect.audio ?? false, `${c.name}: audio`);
  assert.equal(event.duration_measured, true);
  const pageMs = page.success - page.first;
  assert.ok(
    event.duration_ms >= pageMs - DURATION_EARLY_MS && event.duration_ms <= pageMs + DURATION_LATE_MS,
    `${c.name}: recorded ${event.duration_ms} ms, the page measured ${pageMs} ms`,
  );
  const secondsDelta = after.captcha.seconds - before.captcha.seconds;
  assert.ok(Math.abs(secondsDelta * 1000 - event.duration_ms) < 1, `${c.name}: summary seconds include the solve`);
  return event;
}
