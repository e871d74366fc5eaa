// Tie strength and liveness computed in Cypher alone, from the raw interactions.
// Answers: how strong is each customer–staff tie as of a date, why (its components), and how
// likely it is still going (liveness), without running the Python model? It follows
// docs/model.md; with the same parameters its numbers equal the audit's ties table (tested to
// 1e-9). The component lines marked @components are written from graphdyn's component
// declarations (graphdyn/components) when the query is loaded.
//   w   = 2^(-(T - t) / H)                 age in days, T = $as_of, H = $half_life
//   strength = sum(alpha_j f_j) / sum(alpha_j) over the components with data
//   rhythm: lambda ~ Gamma(a, b), a = k + m, b = k g0 + E: m intervals between distinct
//     contact days over E days, each decayed toward the last contact with the same
//     half-life H (trapezoid rule); g = b / a, never below $min_gap
//   p_alive  = A / (A + D), A = e^(-mu s) (b / (b + s))^a,
//              D = int_0^s mu e^(-mu u) (b / (b + u))^a du, mu = ln 2 / $lapse_half_life
//   liveness = p_alive int_0^h a/beta (beta / (beta + u))^(a + 1) e^(-mu u) du,
//              beta = b + s, h = $horizon; integrals by $quadrature (Gauss-Legendre)
// @param as_of datetime = null -- the audit date T (a date means midnight UTC); default: the latest interaction
// @param half_life float = 90.0 -- H, days
// @param richness map = {"meeting": 1.0, "video": 0.8, "phone": 0.7, "feedback": 0.5, "chat": 0.4, "email": 0.3, "support_ticket": 0.3, "order": 0.2} -- channel richness r
// @param i_ref float = null -- I_ref; default: the steady-state intensity of one phone call every $reference_interval days
// @param weights map = @components -- component weights alpha_j
// @param v_ref float = null -- V_ref; default: the median V over customers with values, computed here
// @param tenure_scale float = 365.0 -- days in the tenure component
// @param reference_interval float = 30.0 -- g0, days: the prior contact rhythm
// @param gap_prior_weight float = 1.0 -- k: how many intervals the prior rhythm counts for
// @param min_gap float = 7.0 -- g_min, days: the floor on the typical gap
// @param lapse_half_life float = 1460.0 -- days after which half of silent relationships have ended
// @param horizon float = 90.0 -- h, days: liveness is a contact within this many days
// @param quadrature list = @quadrature -- [node, weight] pairs of the Gauss-Legendre rule on [-1, 1]
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
     collect(DISTINCT day) AS days,
     min(age) AS days_since_last,
     sum($richness[i.channel] * w) AS intensity_sum,
     max(age) AS first_age,
     sum(CASE i.direction WHEN 'inbound' THEN w ELSE 0.0 END) AS inbound,
     sum(CASE i.direction WHEN 'outbound' THEN w ELSE 0.0 END) AS outbound,
     sum(CASE WHEN i.sentiment IS NULL THEN 0.0 ELSE w END) AS sentiment_weight,
     sum(CASE WHEN i.sentiment IS NULL THEN 0.0 ELSE w * i.sentiment END) AS sentiment_sum,
     count(i.value) AS value_count,
     sum(CASE WHEN i.value IS NULL THEN 0.0 ELSE w * i.value END) AS value_sum
WITH c, s, n_interactions, days_since_last, size(days) AS contact_days,
     reduce(last = -1, d IN days | CASE WHEN d > last THEN d ELSE last END) AS last_day,
     reduce(first = 2147483647, d IN days | CASE WHEN d < first THEN d ELSE first END)
       AS first_day,
     days, intensity_sum, first_age, inbound, outbound, sentiment_weight, sentiment_sum,
     value_count, value_sum, i_ref, v_ref
WITH c, s, n_interactions, days_since_last, contact_days,
     toFloat(last_day - first_day) AS span,
     reduce(total = 0.0, d IN days | total + 2.0 ^ (-(last_day - d) / $half_life))
       AS recent_days,
     // @components: values
     0 AS end_of_components
WITH c, s, n_interactions, days_since_last, contact_days,
     // @components: carried
     $gap_prior_weight + CASE
       WHEN recent_days - (1.0 + 2.0 ^ (-span / $half_life)) / 2.0 > 0.0
         THEN recent_days - (1.0 + 2.0 ^ (-span / $half_life)) / 2.0
       ELSE 0.0
     END AS shape,
     $gap_prior_weight * $reference_interval
       + $half_life / log(2.0) * (1.0 - 2.0 ^ (-span / $half_life)) AS exposure
WITH c, s, n_interactions, days_since_last, contact_days,
     // @components: carried
     shape,
     CASE WHEN exposure > shape * $min_gap THEN exposure ELSE shape * $min_gap END AS rate,
     log(2.0) / $lapse_half_life AS mu
WITH c, s, n_interactions, days_since_last, contact_days,
     // @components: carried
     shape, rate, mu,
     log(1.0 + days_since_last / rate) AS silence_upper,
     log(1.0 + $horizon / (rate + days_since_last)) AS horizon_upper
WITH c, s, n_interactions, days_since_last, contact_days,
     // @components: carried
     shape, rate, mu,
     exp(-mu * days_since_last - shape * silence_upper) AS alive,
     mu * rate * reduce(total = 0.0, q IN $quadrature |
       total + q[1] * silence_upper / 2.0 * exp((1.0 - shape) * silence_upper / 2.0 * (q[0] + 1.0)
         - mu * rate * (exp(silence_upper / 2.0 * (q[0] + 1.0)) - 1.0))) AS ended,
     shape * reduce(total = 0.0, q IN $quadrature |
       total + q[1] * horizon_upper / 2.0 * exp(-shape * horizon_upper / 2.0 * (q[0] + 1.0)
         - mu * (rate + days_since_last) * (exp(horizon_upper / 2.0 * (q[0] + 1.0)) - 1.0)))
       AS within
WITH c, s, n_interactions, contact_days, rate / shape AS typical_gap,
     // @components: carried
     alive / (alive + ended) AS p_alive,
     alive / (alive + ended) * within AS liveness,
     [part IN [
        // @components: weighted
        [0.0, null]
      ] WHERE part[1] IS NOT NULL] AS present
RETURN c.customer_id AS customer_id,
       s.staff_id AS staff_id,
       n_interactions,
       contact_days,
       reduce(total = 0.0, part IN present | total + part[0] * part[1])
         / reduce(total = 0.0, part IN present | total + part[0]) AS strength,
       // @components: columns
       liveness,
       p_alive,
       typical_gap
ORDER BY customer_id, staff_id
