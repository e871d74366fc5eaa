"""Audits for the overview tests: a small generated one, and the same full of hostile strings."""

from __future__ import annotations

import dataclasses
from pathlib import Path

from graphdyn import Audit, audit
from graphdyn.audits.overview import portfolio_overview
from graphdyn.data.generate import generate

from .graphs import XSS_CUSTOMER_NAMES, XSS_ID, XSS_TEAM

__all__ = ["XSS_STAFF_NAME", "generated_audit", "hostile_audit"]

XSS_STAFF_NAME = "<script>alert('staff')</script>"


def generated_audit(folder: Path, *, customers: int = 150, staff: int = 16) -> Audit:
    """Return the audit of a generated data folder written into ``folder``."""
    generate(
        folder / "data", customers=customers, staff=staff, products=10, interactions=8000, seed=4
    )
    return audit(folder / "data")


def hostile_audit(result: Audit) -> Audit:
    """Return ``result`` with hostile names, a hostile team and a hostile customer id.

    The first two accounts the overview picks out get the hostile names, the first of them the
    hostile id (in the ties too); the staff member carrying it is :data:`XSS_STAFF_NAME`, and
    their team is renamed :data:`XSS_TEAM`.
    """
    picked = portfolio_overview(result).accounts
    first, second = picked["customer_id"].iloc[0], picked["customer_id"].iloc[1]
    carrier = picked["top_staff_id"].iloc[0]
    customers = result.customers.copy()
    for customer_id, name in zip((first, second), XSS_CUSTOMER_NAMES, strict=True):
        customers.loc[customers["customer_id"] == customer_id, "name"] = name
    customers.loc[customers["customer_id"] == first, "customer_id"] = XSS_ID
    ties = result.ties.copy()
    ties.loc[ties["customer_id"] == first, "customer_id"] = XSS_ID
    staff = result.staff.copy()
    team = staff.loc[staff["staff_id"] == carrier, "team"].iloc[0]
    staff.loc[staff["team"] == team, "team"] = XSS_TEAM
    staff.loc[staff["staff_id"] == carrier, "name"] = XSS_STAFF_NAME
    return dataclasses.replace(result, customers=customers, staff=staff, ties=ties)
