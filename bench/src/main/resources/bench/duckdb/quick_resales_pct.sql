SELECT buurt_code,
       count_if(previous_transfer_date IS NOT NULL
                AND transfer_date < previous_transfer_date + to_months(${resale_months})) AS numerator,
       count(*) AS denominator
FROM silver.transfer
WHERE buurt_code IS NOT NULL
  AND transfer_date > ${as_of} - to_months(${window_months}) AND transfer_date <= ${as_of}
GROUP BY buurt_code
