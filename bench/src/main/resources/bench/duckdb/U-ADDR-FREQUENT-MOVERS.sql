WITH starts AS (
  SELECT person_id, count(*) AS residence_starts, max(valid_from) AS last_start
  FROM silver.residence
  WHERE valid_from > ${as_of} - to_months(${window_months}) AND valid_from <= ${as_of}
  GROUP BY person_id
  HAVING count(*) >= ${min_starts}
)
SELECT r.address_id AS subject_id,
       r.address_id,
       first(r.buurt_code) AS buurt_code,
       CASE WHEN count(*) >= 2 * ${min_movers} THEN 3 ELSE 2 END AS severity,
       to_json({'frequent_movers': count(*),
                'window_months': ${window_months},
                'movers': list_sort(list({'person_id': r.person_id, 'residence_starts': s.residence_starts,
                                          'last_start': s.last_start}))}) AS evidence
FROM silver.resident r
JOIN starts s ON s.person_id = r.person_id
GROUP BY r.address_id
HAVING count(*) >= ${min_movers}
