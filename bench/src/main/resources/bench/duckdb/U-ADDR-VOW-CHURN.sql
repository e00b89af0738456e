SELECT address_id AS subject_id,
       address_id,
       first(buurt_code) AS buurt_code,
       CASE WHEN count(*) >= 2 * ${min_vow} THEN 3 ELSE 2 END AS severity,
       to_json({'vow_rows': count(*),
                'window_months': ${window_months},
                'first_vow_end': min(valid_to),
                'last_vow_end': max(valid_to),
                'persons': list_sort(list(DISTINCT person_id))}) AS evidence
FROM silver.residence
WHERE status = 'vow'
  AND valid_to > ${as_of} - to_months(${window_months}) AND valid_to <= ${as_of}
GROUP BY address_id
HAVING count(*) >= ${min_vow}
