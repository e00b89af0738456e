WITH receiving AS (SELECT DISTINCT person_id FROM silver.provision)
SELECT r.buurt_code, count(c.person_id) AS numerator, count(*) AS denominator
FROM silver.resident r
LEFT JOIN receiving c ON c.person_id = r.person_id
GROUP BY r.buurt_code
