WITH hits AS (
  SELECT object_id, address_id, buurt_code, transfer_date, price_eur, previous_transfer_date, previous_price_eur,
         (previous_transfer_date > ${as_of} - to_months(${window_months})
            AND transfer_date <= previous_transfer_date + to_months(${max_gap_months})) AS is_quick_pair,
         (transfer_date <= previous_transfer_date + to_months(${resale_months})
            AND price_eur >= previous_price_eur * (1 + ${min_markup_pct} / 100.0)) AS is_markup_resale
  FROM silver.transfer
  WHERE transfer_date > ${as_of} - to_months(${window_months}) AND transfer_date <= ${as_of}
    AND previous_transfer_date IS NOT NULL
)
SELECT object_id AS subject_id,
       first(address_id) AS address_id,
       first(buurt_code) AS buurt_code,
       CASE WHEN bool_or(is_quick_pair) AND bool_or(is_markup_resale) THEN 3 ELSE 2 END AS severity,
       to_json({'quick_transfer_pairs': count_if(is_quick_pair),
                'markup_resales': count_if(is_markup_resale),
                'transfers': list_sort(list({'transfer_date': transfer_date, 'price_eur': price_eur,
                                             'previous_transfer_date': previous_transfer_date,
                                             'previous_price_eur': previous_price_eur}))}) AS evidence
FROM hits
WHERE is_quick_pair OR is_markup_resale
GROUP BY object_id
