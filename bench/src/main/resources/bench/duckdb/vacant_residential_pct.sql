SELECT a.buurt_code, count_if(h.address_id IS NULL) AS numerator, count(*) AS denominator
FROM silver.address a
LEFT JOIN silver.household h ON h.address_id = a.address_id
WHERE a.is_residential
GROUP BY a.buurt_code
