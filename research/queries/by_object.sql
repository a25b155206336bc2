-- Standard statistic 3: CAPTCHA images labelled, by the object the CAPTCHA asked for.
SELECT
  object,
  sum(labels)::BIGINT                                                  AS labels,
  count(DISTINCT participant)                                          AS participants
FROM captcha_labels
GROUP BY object
ORDER BY object;
