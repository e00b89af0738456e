WITH starts AS (
  SELECT person_id, count(*) AS residence_starts
  FROM silver.residence
  WHERE valid_from > ${as_of} - to_months(${window_months}) AND valid_from <= ${as_of}
  GROUP BY person_id
)
SELECT r.buurt_code, count_if(coalesce(s.residence_starts, 0) >= ${min_starts}) AS numerator, count(*) AS denominator
FROM silver.resident r
LEFT JOIN starts s ON s.person_id = r.person_id
GROUP BY r.buurt_code
