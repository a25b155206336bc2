// End to end, Firefox: the cases of sensor.chromium.test.mjs (tests/e2e/lib/leave-cases.mjs) through
// geckodriver with trusted WebDriver input: a like with its tab closed 150 ms later, a vote that is a
// link navigating away, a "Helpful" form that posts, each counted exactly once; forms a page submits on a
// timer count nothing, a person's one click counts one review.
import assert from "node:assert/strict";
import { after, before, test } from "node:test";
import { allEvents, eventually } from "./lib/chromium.mjs";
import { launchFirefox } from "./lib/firefox.mjs";
import { countOf, HELPFUL_POST, LATE_MS, LIKE_CLOSED, TIMER_SUBMIT, VOTE_LINK } from "./lib/leave-cases.mjs";
import { startServer } from "./lib/server.mjs";

let server;
let ff;
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

before(async () => {
  server = await startServer();
  ff = await launchFirefox(server);
});

after(async () => {
  await ff?.close();
  await server?.close();
});

const click = async (selector) => {
  const { driver, By, until } = ff;
  const el = await driver.wait(until.elementLocated(By.css(selector)), 5_000);
  await driver.wait(until.elementIsVisible(el), 5_000);
  await el.click();
};

async function countedExactly(site, kind, n) {
  const reached = await eventually(ff.summary, (s) => countOf(s, site, kind) >= n, { timeout: 15_000 });
  assert.equal(countOf(reached, site, kind), n, `${site}: ${kind} counted`);
  await sleep(LATE_MS);
  assert.equal(countOf(await ff.summary(), site, kind), n, `${site}: ${kind} counted once, nothing late`);
  const events = (await allEvents(ff)).filter((e) => e.site === site);
  assert.equal(events.length, n, `${site}: one event per act ${JSON.stringify(events)}`);
}

test("Firefox: a like with the tab closed 150 ms after the click counts exactly once", async () => {
  const { driver } = ff;
  await ff.toPage();
  await driver.switchTo().newWindow("tab");
  await driver.get(LIKE_CLOSED.url);
  await click(LIKE_CLOSED.control);
  await sleep(150);
  await driver.close();
  await ff.toPage();
  await countedExactly(LIKE_CLOSED.site, "like", 1);
});

test("Firefox: an upvote that is a link navigating away counts exactly once", async () => {
  const { driver } = ff;
  await driver.get(VOTE_LINK.url);
  await click(VOTE_LINK.control);
  await driver.wait(async () => /vote\?id=777/.test(await driver.getCurrentUrl()), 5_000);
  await countedExactly(VOTE_LINK.site, "like", 1);
});

test("Firefox: a Helpful vote that is a form posting to the server counts exactly once", async () => {
  const { driver, By, until } = ff;
  await driver.get(HELPFUL_POST.url);
  await click(HELPFUL_POST.control);
  const thanks = await driver.wait(until.elementLocated(By.css("#thanks")), 5_000);
  assert.match(await thanks.getText(), /Thank you/);
  await countedExactly(HELPFUL_POST.site, "rating", 1);
});

test("Firefox: a page submitting its forms on a timer counts nothing; a person's one click counts one review", async () => {
  const { driver, By } = ff;
  await driver.get(TIMER_SUBMIT.url);
  await driver.wait(async () => (await driver.executeScript("return window.submits")) >= 30, 20_000);
  await sleep(LATE_MS);
  assert.equal((await ff.summary()).sites[TIMER_SUBMIT.site], undefined, "no review, no tag, nothing");

  await driver.findElement(By.css("#review-text")).sendKeys(" and sent by me");
  await click("#review-post");
  await countedExactly(TIMER_SUBMIT.site, "review", 1);
  assert.equal(countOf(await ff.summary(), TIMER_SUBMIT.site, "tag"), 0, "the tag form nobody touched");
});
