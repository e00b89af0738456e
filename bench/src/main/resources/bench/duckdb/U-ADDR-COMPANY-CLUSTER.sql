SELECT e.address_id AS subject_id,
       e.address_id,
       first(a.buurt_code) AS buurt_code,
       CASE WHEN count(*) >= 2 * ${min_establishments} THEN 3 ELSE 2 END AS severity,
       to_json({'active_establishments': count(*),
                'usage': first(a.usage),
                'kvk_numbers': list_sort(list(DISTINCT e.kvk_number))}) AS evidence
FROM silver.establishment e
LEFT JOIN silver.address a ON a.address_id = e.address_id
WHERE e.is_active
GROUP BY e.address_id
HAVING count(*) >= ${min_establishments}
    OR (coalesce(first(a.is_residential), false) AND count(*) >= ${min_establishments_residential})
