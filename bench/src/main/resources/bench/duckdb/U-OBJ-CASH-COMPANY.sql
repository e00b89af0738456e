SELECT t.object_id AS subject_id,
       first(t.address_id) AS address_id,
       first(t.buurt_code) AS buurt_code,
       CASE WHEN count(*) > 1 THEN 3 ELSE 2 END AS severity,
       to_json({'transfers': list_sort(list({'transfer_date': t.transfer_date, 'price_eur': t.price_eur,
                                             'kvk_number': t.buyer_id, 'company_registered_on': c.registered_on,
                                             'company_age_days': datediff('day', c.registered_on, t.transfer_date),
                                             'mortgage_registered': t.mortgage_registered}))}) AS evidence
FROM silver.transfer t
JOIN silver.company c ON c.kvk_number = t.buyer_id
WHERE t.buyer_type = 'company'
  AND NOT t.mortgage_registered
  AND t.transfer_date > ${as_of} - to_months(${window_months}) AND t.transfer_date <= ${as_of}
  AND c.registered_on <= t.transfer_date
  AND t.transfer_date < c.registered_on + to_months(${max_company_age_months})
GROUP BY t.object_id
