-- Standard statistic 2: labour by platform (named major platforms, or "other"), all kinds together, with
-- each platform's share of the total.
SELECT
  platform,
  sum(count)::BIGINT                                                   AS count,
  round(sum(count) / (SELECT sum(count) FROM labour), 4)               AS share
FROM labour
GROUP BY platform
ORDER BY platform;
