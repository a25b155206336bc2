-- Standard statistic 4: labour per local day: total count, seconds and active participants.
SELECT
  day,
  sum(count)::BIGINT                                                   AS count,
  sum(seconds)::BIGINT                                                 AS seconds,
  count(DISTINCT participant)                                          AS participants
FROM labour
GROUP BY day
ORDER BY day;
