WITH per_household AS (
  SELECT h.address_id, h.buurt_code, count(DISTINCT p.provision) AS provisions
  FROM silver.household h
  LEFT JOIN silver.resident r ON r.address_id = h.address_id
  LEFT JOIN silver.provision p ON p.person_id = r.person_id
  GROUP BY h.address_id, h.buurt_code
)
SELECT buurt_code, count_if(provisions >= ${min_provisions}) AS numerator, count(*) AS denominator
FROM per_household
GROUP BY buurt_code
