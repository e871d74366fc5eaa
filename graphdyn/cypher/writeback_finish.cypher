// Last step of a write-back, in one transaction: remove what an earlier audit wrote and this
// one ($run_id) did not, then record this audit on the Audit node. $customer_cleared and
// $staff_cleared map every audit property name to null.
MATCH ()-[t:TIE]->()
WHERE coalesce(t.audit_run, '') <> $run_id
DELETE t
RETURN count(*) AS removed;

MATCH (n:Customer)
WHERE n.audit_run IS NOT NULL AND n.audit_run <> $run_id
SET n += $customer_cleared;

MATCH (n:Staff)
WHERE n.audit_run IS NOT NULL AND n.audit_run <> $run_id
SET n += $staff_cleared;

MERGE (a:Audit {audit_id: $audit_id})
SET a = $audit
