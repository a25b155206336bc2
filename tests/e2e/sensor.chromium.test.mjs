// End to end, Chromium: nothing lost on leaving, nothing counted without a person (tests/e2e/lib/leave-cases.mjs).
//  1. A like with the tab closed 150 ms later, an upvote that is a link navigating away, a "Helpful" form
//     that posts: each counted exactly once (the sensor reports at once; the background holds the act
//     as provisional and settles it).
//  2. A page submitting its own forms on a timer (requestSubmit, scripted clicks, synthetic events) counts
//     nothing; a person's one click on "Post review" counts one review, whatever the timer does next.
import assert from "node:assert/strict";
import { after, before, test } from "node:test";
import { allEvents, eventually, launchChromium } from "./lib/chromium.mjs";
import { countOf, HELPFUL_POST, LATE_MS, LIKE_CLOSED, TIMER_SUBMIT, VOTE_LINK } from "./lib/leave-cases.mjs";
import { startServer } from "./lib/server.mjs";

let server;
let browser;
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

before(async () => {
  server = await startServer();
  browser = await launchChromium(server);
  await browser.summary();
});

after(async () => {
  await browser?.close();
  await server?.close();
});

/** Waits until the site's count of `kind` reaches `n`, then a while longer: it must stay at exactly `n`. */
async function countedExactly(site, kind, n) {
  const reached = await eventually(browser.summary, (s) => countOf(s, site, kind) >= n, { timeout: 15_000 });
  assert.equal(countOf(reached, site, kind), n, `${site}: ${kind} counted`);
  await sleep(LATE_MS);
  assert.equal(countOf(await browser.summary(), site, kind), n, `${site}: ${kind} counted once, nothing late`);
  const events = (await allEvents(browser)).filter((e) => e.site === site);
  assert.equal(events.length, n, `${site}: one event per act ${JSON.stringify(events)}`);
}

test("a like with the tab closed 150 ms after the click counts exactly once", async () => {
  const page = await browser.context.newPage();
  await page.goto(LIKE_CLOSED.url);
  await page.click(LIKE_CLOSED.control);
  await sleep(150);
  await page.close();
  await countedExactly(LIKE_CLOSED.site, "like", 1);
});

test("an upvote that is a link navigating away counts exactly once", async () => {
  const page = await browser.context.newPage();
  await page.goto(VOTE_LINK.url);
  await Promise.all([page.waitForURL(/vote\?id=777/), page.click(VOTE_LINK.control)]);
  await countedExactly(VOTE_LINK.site, "like", 1);
  await page.close();
});

test("a Helpful vote that is a form posting to the server counts exactly once", async () => {
  const page = await browser.context.newPage();
  await page.goto(HELPFUL_POST.url);
  await Promise.all([page.waitForURL(new RegExp(HELPFUL_POST.landed)), page.click(HELPFUL_POST.control)]);
  assert.match(await page.textContent("#thanks"), /Thank you/);
  await countedExactly(HELPFUL_POST.site, "rating", 1);
  await page.close();
});

test("a page submitting its forms on a timer counts nothing; a person's one click counts one review", async () => {
  const page = await browser.context.newPage();
  await page.goto(TIMER_SUBMIT.url);
  await page.waitForFunction(() => window.submits >= 30, null, { timeout: 20_000 });
  await sleep(LATE_MS);
  assert.equal((await browser.summary()).sites[TIMER_SUBMIT.site], undefined, "no review, no tag, nothing");

  await page.click("#review-text");
  await page.keyboard.type(" and sent by me");
  await page.click("#review-post");
  await countedExactly(TIMER_SUBMIT.site, "review", 1);
  assert.equal(countOf(await browser.summary(), TIMER_SUBMIT.site, "tag"), 0, "the tag form nobody touched");
  await page.close();
});
