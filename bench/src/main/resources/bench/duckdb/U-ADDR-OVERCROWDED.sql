SELECT h.address_id AS subject_id,
       h.address_id,
       h.buurt_code,
       CASE WHEN h.floor_area_m2 / h.residents < ${max_m2_per_resident} / 2 THEN 3 ELSE 2 END AS severity,
       to_json({'residents': h.residents,
                'floor_area_m2': h.floor_area_m2,
                'm2_per_resident': round(h.floor_area_m2 / h.residents, 1),
                'max_m2_per_resident': ${max_m2_per_resident},
                'persons': list_sort(list({'person_id': r.person_id, 'resident_since': r.valid_from}))}) AS evidence
FROM silver.household h
JOIN silver.resident r ON r.address_id = h.address_id
WHERE h.is_residential
  AND h.residents >= ${min_residents}
  AND h.floor_area_m2 / h.residents < ${max_m2_per_resident}
GROUP BY h.address_id, h.buurt_code, h.residents, h.floor_area_m2
