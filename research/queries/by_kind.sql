-- Standard statistic 1: per kind of labour, how many participants did it, the total count and seconds,
-- and the mean count per participant (over every participant of the study, active or not).
SELECT
  kind,
  count(DISTINCT participant)                                          AS participants,
  sum(count)::BIGINT                                                   AS count,
  sum(seconds)::BIGINT                                                 AS seconds,
  round(sum(count) / (SELECT count(*) FROM participants), 4)           AS count_per_participant
FROM labour
GROUP BY kind
ORDER BY kind;
