WITH counts AS (
  SELECT address_id,
         first(buurt_code) AS buurt_code,
         count_if(case_type IN ('closure_13b', 'bibob_refusal')
                  AND opened_on > ${as_of} - to_months(${severe_window_months})) AS severe_cases,
         count_if(case_type IN ('complaint_drugs', 'housing_fraud')
                  AND opened_on > ${as_of} - to_months(${window_months})) AS complaint_cases,
         list_sort(list({'case_id': case_id, 'case_type': case_type, 'opened_on': opened_on})) AS cases
  FROM silver.enforcement_case
  WHERE opened_on <= ${as_of}
  GROUP BY address_id
)
SELECT address_id AS subject_id,
       address_id,
       buurt_code,
       CASE WHEN severe_cases > 0 THEN 3 ELSE 2 END AS severity,
       to_json({'severe_cases': severe_cases, 'complaint_cases': complaint_cases, 'cases': cases}) AS evidence
FROM counts
WHERE severe_cases > 0 OR complaint_cases >= ${min_cases}
