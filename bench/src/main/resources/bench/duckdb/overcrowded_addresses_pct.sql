SELECT a.buurt_code, count(s.subject_id) AS numerator, count(*) AS denominator
FROM silver.address a
LEFT JOIN current_signal s ON s.rule_id = 'U-ADDR-OVERCROWDED' AND s.subject_id = a.address_id
WHERE a.is_residential
GROUP BY a.buurt_code
