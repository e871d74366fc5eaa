// Tie strength computed in Cypher alone, from the raw interactions.
// Answers: how strong is each customer–staff tie as of a date, and why (its components),
// without running the Python model? It follows docs/model.md (section 1); with the same
// parameters its numbers equal the audit's ties table (tested to 1e-9).
//   w   = 2^(-(T - t) / H)                 age in days, T = $as_of, H = $half_life
//   f_I = 1 - exp(-sum(r * w) / I_ref)     r = $richness[channel]
//   f_D = 1 - exp(-D / $tenure_scale)      D = days since the first contact
//   f_R = 1 - |in - out| / (in + out)      decayed inbound and outbound counts
//   f_A = (1 + s) / 2                      s = decay-weighted mean sentiment
//   f_V = 1 - exp(-V / V_ref)              V = sum(value * w)
//   g   = max((span + k g0) / (m + k), g_min)   typical gap: m + 1 distinct contact days
//                                              over span days, k = $gap_prior_weight,
//                                              g0 = $reference_interval, g_min = $min_gap
//   P(alive) = 1 / (1 + mu / (1/g + mu) (exp((1/g + mu) s) - 1))   s = days since the last
//                                              contact, mu = ln 2 / $lapse_half_life
//   strength = P(alive) sum(alpha_j f_j) / sum(alpha_j) over the components with data
// @param as_of datetime = null -- the audit date T (a date means midnight UTC); default: the latest interaction
// @param half_life float = 90.0 -- H, days
// @param richness map = {"meeting": 1.0, "video": 0.8, "phone": 0.7, "feedback": 0.5, "chat": 0.4, "email": 0.3, "support_ticket": 0.3, "order": 0.2} -- channel richness r
// @param i_ref float = null -- I_ref; default: the steady-state intensity of one phone call every $reference_interval days
// @param weights map = {"intensity": 0.45, "tenure": 0.1, "reciprocity": 0.15, "affect": 0.15, "value": 0.15} -- component weights alpha_j
// @param v_ref float = null -- V_ref; default: the median V over customers with values, computed here
// @param tenure_scale float = 365.0 -- days in the tenure component
// @param reference_interval float = 30.0 -- g0, days: the prior contact rhythm
// @param gap_prior_weight float = 3.0 -- k: how many intervals the prior rhythm counts for
// @param min_gap float = 7.0 -- g_min, days: the floor on the typical gap
// @param lapse_half_life float = 730.0 -- days after which half of silent relationships have ended
// @param customer_id string = null -- only this customer's ties; default: every tie
CALL () {
  MATCH (i:Interaction)
  RETURN max(i.timestamp) AS latest
}
WITH CASE
       WHEN $as_of IS NULL THEN latest
       WHEN $as_of IS :: DATE THEN datetime({date: $as_of, timezone: 'Z'})
       WHEN $as_of IS :: LOCAL DATETIME THEN datetime({datetime: $as_of, timezone: 'Z'})
       ELSE datetime($as_of)
     END AS as_of
WITH as_of, as_of.epochMillis * 1000 + as_of.microsecond % 1000 AS as_of_micros,
     toFloat($half_life) AS half_life,
     coalesce($i_ref, $richness.phone / (1.0 - 2.0 ^ (-$reference_interval / $half_life))) AS i_ref
CALL (as_of, as_of_micros, half_life) {
  MATCH (c:Customer)-[:HAD]->(i:Interaction)
  WHERE i.timestamp <= as_of AND i.value IS NOT NULL
  WITH c, i.value * 2.0 ^ (-(as_of_micros - (i.timestamp.epochMillis * 1000
         + i.timestamp.microsecond % 1000)) / 86400000000.0 / half_life) AS decayed
  WITH c, sum(decayed) AS customer_value
  RETURN percentileCont(customer_value, 0.5) AS median_value
}
WITH as_of, as_of_micros, half_life, i_ref, coalesce($v_ref, median_value) AS v_ref
MATCH (c:Customer)-[:HAD]->(i:Interaction)<-[:HANDLED]-(s:Staff)
WHERE i.timestamp <= as_of AND ($customer_id IS NULL OR c.customer_id = $customer_id)
WITH c, s, i, i_ref, v_ref, half_life,
     (as_of_micros - (i.timestamp.epochMillis * 1000 + i.timestamp.microsecond % 1000))
       / 86400000000.0 AS age
WITH c, s, i, i_ref, v_ref, age, 2.0 ^ (-age / half_life) AS w,
     toInteger(floor(i.timestamp.epochMillis / 86400000.0)) AS day
WITH c, s, i_ref, v_ref,
     count(i) AS n_interactions,
     count(DISTINCT day) AS contact_days,
     max(day) - min(day) AS contact_span,
     min(age) AS days_since_last,
     sum($richness[i.channel] * w) AS intensity_sum,
     max(age) AS first_age,
     sum(CASE i.direction WHEN 'inbound' THEN w ELSE 0.0 END) AS inbound,
     sum(CASE i.direction WHEN 'outbound' THEN w ELSE 0.0 END) AS outbound,
     sum(CASE WHEN i.sentiment IS NULL THEN 0.0 ELSE w END) AS sentiment_weight,
     sum(CASE WHEN i.sentiment IS NULL THEN 0.0 ELSE w * i.sentiment END) AS sentiment_sum,
     count(i.value) AS value_count,
     sum(CASE WHEN i.value IS NULL THEN 0.0 ELSE w * i.value END) AS value_sum
WITH c, s, n_interactions, days_since_last,
     CASE
       WHEN contact_days - 1 + $gap_prior_weight > 0
         THEN (contact_span + $gap_prior_weight * $reference_interval)
              / (contact_days - 1 + $gap_prior_weight)
       ELSE toFloat($reference_interval)
     END AS shrunk_gap,
     1.0 - exp(-intensity_sum / i_ref) AS intensity,
     1.0 - exp(-first_age / $tenure_scale) AS tenure,
     CASE WHEN inbound + outbound > 0
       THEN 1.0 - abs(inbound - outbound) / (inbound + outbound) END AS reciprocity,
     CASE WHEN sentiment_weight > 0
       THEN (1.0 + sentiment_sum / sentiment_weight) / 2.0 END AS affect,
     CASE
       WHEN value_count = 0 THEN null
       WHEN value_sum <= 0 THEN 0.0
       WHEN v_ref IS NULL OR v_ref <= 0 THEN 1.0
       ELSE 1.0 - exp(-value_sum / v_ref)
     END AS value
WITH c, s, n_interactions, intensity, tenure, reciprocity, affect, value,
     1.0 / (CASE WHEN shrunk_gap > $min_gap THEN shrunk_gap ELSE toFloat($min_gap) END)
       + log(2.0) / $lapse_half_life AS rate,
     log(2.0) / $lapse_half_life AS hazard,
     days_since_last
WITH c, s, n_interactions, intensity, tenure, reciprocity, affect, value,
     1.0 / (1.0 + hazard / rate * (exp(rate * days_since_last) - 1.0)) AS p_alive,
     [part IN [
        [coalesce($weights.intensity, 0.0), intensity],
        [coalesce($weights.tenure, 0.0), tenure],
        [coalesce($weights.reciprocity, 0.0), reciprocity],
        [coalesce($weights.affect, 0.0), affect],
        [coalesce($weights.value, 0.0), value]
      ] WHERE part[1] IS NOT NULL] AS present
RETURN c.customer_id AS customer_id,
       s.staff_id AS staff_id,
       n_interactions,
       p_alive * reduce(total = 0.0, part IN present | total + part[0] * part[1])
         / reduce(total = 0.0, part IN present | total + part[0]) AS strength,
       intensity,
       tenure,
       reciprocity,
       affect,
       value,
       p_alive
ORDER BY customer_id, staff_id
