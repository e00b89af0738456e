SELECT address_id AS subject_id,
       address_id,
       first(buurt_code) AS buurt_code,
       CASE WHEN count(*) >= 2 * ${min_establishments} THEN 3 ELSE 2 END AS severity,
       to_json({'short_lived_risk_establishments': count(*),
                'window_months': ${window_months},
                'establishments': list_sort(list({'establishment_id': establishment_id, 'kvk_number': kvk_number,
                                                  'sbi_code': sbi_code, 'registered_on': registered_on,
                                                  'deregistered_on': deregistered_on}))}) AS evidence
FROM silver.establishment
WHERE is_risk_branch
  AND registered_on > ${as_of} - to_months(${window_months}) AND registered_on <= ${as_of}
  AND deregistered_on >= registered_on AND deregistered_on <= registered_on + to_months(${lifetime_months})
GROUP BY address_id
HAVING count(*) >= ${min_establishments}
