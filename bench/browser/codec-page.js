// Codec benchmark page (run by bench/browser/codec.mjs inside the built extension): the bench module reads
// the same click message and sender and writes the same answer through serde-wasm-bindgen (what the shipped
// modules do) and through JSON text + serde_json (the alternative measured in bench/README.md).
import init, { bench_codec_json, bench_codec_swb } from "./pkg/digitus.js";

await init({ module_or_path: new URL("./pkg/digitus_bg.wasm", import.meta.url) });

/** A click on a rating star deep in a page, as the sensor reports it (about 3 KB of JSON). */
function click() {
  const element = (i) => ({
    tag: ["span", "button", "div", "li", "ul", "section", "main", "div", "div", "body"][i],
    attrs: {
      class: `c-rating__star c-rating__star--${i} js-track-${i} u-flex u-gap-2`,
      "aria-label": i === 0 ? "Rate 4 out of 5 stars" : `Region ${i}`,
      "data-testid": `rating-star-${i}`,
      role: i === 0 ? "radio" : "group",
      id: `el-${i}-${"x".repeat(12)}`,
    },
    nth: i,
  });
  const path = Array.from({ length: 10 }, (_, i) => element(i));
  const after = path.map((e, i) => (i === 0 ? { ...e, attrs: { ...e.attrs, "aria-checked": "true" } } : e));
  return {
    type: "sense",
    observation: {
      id: "o-7f3a9c2e-41d8-4b7e-9a51-2c6f0e8d1b47",
      action: "click",
      time: 1795995000000,
      tz: -60,
      url: "https://www.example-reviews.com/title/tt0111161/reviews?sort=helpfulness&ref_=tt_ov_rt",
      path,
      after,
      duration_ms: 2650,
      activation_ms: 120,
    },
  };
}

const message = click();
const sender = { id: "abc", own_id: "abc", url: "https://www.example-reviews.com/title/tt0111161/", tab_url: "https://www.example-reviews.com/title/tt0111161/", in_tab: true, tab_id: 12 };
const answer = { outcomes: [{ outcome: "recorded", id: "o-7f3a9c2e-41d8-4b7e-9a51-2c6f0e8d1b47" }], settle_at: 1795995003000 };

/** Milliseconds per message, `rounds` messages in one call. */
function time(codec, rounds) {
  const fn = codec === "json" ? bench_codec_json : bench_codec_swb;
  const start = performance.now();
  fn(message, sender, answer, rounds);
  return (performance.now() - start) / rounds;
}

window.bench = { time, bytes: JSON.stringify(message).length };
document.getElementById("state").textContent = "ready";
