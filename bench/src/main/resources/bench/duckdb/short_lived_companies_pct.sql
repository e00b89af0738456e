SELECT buurt_code,
       count_if(coalesce(deregistered_on >= registered_on AND deregistered_on <= registered_on + to_months(${lifetime_months}), false)) AS numerator,
       count(*) AS denominator
FROM silver.establishment
WHERE buurt_code IS NOT NULL
  AND registered_on > ${as_of} - to_months(${window_months}) AND registered_on <= ${as_of}
GROUP BY buurt_code
