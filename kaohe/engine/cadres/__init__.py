"""The people's assessment (领导班子和领导干部): pure rules over plain documents.

>>> from kaohe.engine.cadres import CadreRules, assess_cadres  # doctest: +SKIP
"""

from __future__ import annotations

from kaohe.engine.cadres.assess import ROLE_NAMES, assess_cadres, follow_ups
from kaohe.engine.cadres.ballots import BallotScore, ballot_score, vote_alerts
from kaohe.engine.cadres.followups import bonus_cancellations, merit, run_length
from kaohe.engine.cadres.grading import (
    allocate_top,
    band,
    quota_places,
    sanction_cap,
    team_grade,
)
from kaohe.engine.cadres.rules import CadreRules, Rung, Sanction, Situation, share_of

__all__ = ["CadreRules", "Rung", "Sanction", "Situation", "BallotScore", "ROLE_NAMES",
           "assess_cadres", "follow_ups", "ballot_score", "vote_alerts", "bonus_cancellations",
           "merit", "run_length", "allocate_top", "band", "quota_places", "sanction_cap",
           "team_grade", "share_of"]
