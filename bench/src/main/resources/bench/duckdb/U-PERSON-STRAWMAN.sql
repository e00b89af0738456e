WITH roles AS (
  SELECT DISTINCT o.person_id, c.kvk_number, c.registered_on, c.deregistered_on,
         coalesce(c.deregistered_on >= c.registered_on AND c.deregistered_on <= c.registered_on + to_months(${lifetime_months}), false) AS is_short_lived
  FROM silver.officer o
  JOIN silver.company c ON c.kvk_number = o.kvk_number
  WHERE c.registered_on > ${as_of} - to_months(${window_months}) AND c.registered_on <= ${as_of}
), persons AS (
  SELECT person_id,
         count(*) AS companies,
         count_if(is_short_lived) AS short_lived,
         list_sort(list({'kvk_number': kvk_number, 'registered_on': registered_on,
                         'deregistered_on': deregistered_on})) AS company_list
  FROM roles
  GROUP BY person_id
  HAVING count(*) >= ${min_companies} AND count_if(is_short_lived) >= ${min_short_lived}
)
SELECT p.person_id AS subject_id,
       r.address_id,
       r.buurt_code,
       CASE WHEN p.short_lived >= 2 * ${min_short_lived} THEN 3 ELSE 2 END AS severity,
       to_json({'companies': p.companies, 'short_lived_companies': p.short_lived,
                'window_months': ${window_months}, 'company_list': p.company_list}) AS evidence
FROM persons p
LEFT JOIN silver.resident r ON r.person_id = p.person_id
