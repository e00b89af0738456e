WITH numerators AS (
  SELECT buurt_code, count(*) AS n
  FROM silver.establishment
  WHERE is_active AND is_risk_branch AND buurt_code IS NOT NULL
  GROUP BY buurt_code
), denominators AS (
  SELECT buurt_code, count(*) AS d FROM silver.resident GROUP BY buurt_code
)
SELECT coalesce(d.buurt_code, n.buurt_code) AS buurt_code, coalesce(n.n, 0) AS numerator, coalesce(d.d, 0) AS denominator
FROM denominators d FULL OUTER JOIN numerators n ON n.buurt_code = d.buurt_code
