// Acts that leave at once, and submits nobody made, shared by Chromium and Firefox
// (tests/e2e/sensor.*.test.mjs). Each case uses a site of its own, so the per-site counts of the summary
// say exactly what it recorded.
//
//   closedtab.org      a like, the tab closed 150 ms later (the page would confirm it after 400 ms)
//   ycombinator.com    an upvote that is a plain link: the page navigates away at once
//   reviewsite.org     a "Helpful" vote that is a form posting to the server
//   autosubmit.org     a page calling requestSubmit() (and scripted clicks, synthetic events) on a timer
export const LIKE_CLOSED = { url: "https://www.closedtab.org/pages/leave-like.html", site: "closedtab.org", control: "#like" };
export const VOTE_LINK = { url: "https://news.ycombinator.com/pages/leave-vote.html", site: "ycombinator.com", control: "#up_777" };
export const HELPFUL_POST = { url: "https://www.reviewsite.org/pages/helpful-form.html", site: "reviewsite.org", control: "#helpful", landed: "thanks.html" };
export const TIMER_SUBMIT = { url: "https://www.autosubmit.org/pages/timer-submit.html", site: "autosubmit.org" };

/** Time for anything late (a second report, a retry, a settle) to land: a count must not move after it. */
export const LATE_MS = 2_500;

/** One site's count of one kind, from the summary. */
export const countOf = (summary, site, kind) => summary.sites?.[site]?.[kind] ?? 0;
