"""Record linkage for person records: standardising names, phones, identity card numbers and
birth dates (`standardise`), and finding who is the same person among records with a Splink
model made for Tunisian data (`link`). Pure Python; never imports Django.

    from wasla.engines.linkage import link, read_records_csv
    result = link(read_records_csv("records.csv"), threshold=0.9)
    result.clusters  # record_id -> cluster_id
    result.pairs     # ScoredPair(left_id, right_id, probability, match_weight, agreements, ...)
"""

from .engine import PAIR_FLOOR, LinkageResult, ScoredPair, link
from .records import COLUMNS, LinkageInputError, read_records_csv, records_frame

__all__ = [
    "COLUMNS",
    "PAIR_FLOOR",
    "LinkageInputError",
    "LinkageResult",
    "ScoredPair",
    "link",
    "read_records_csv",
    "records_frame",
]
