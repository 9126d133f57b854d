"""tumbuh.growth: the WHO growth engine, a pure NumPy library (no Django).

Arrays in, arrays out. Public API:

- :func:`anthro_zscores` - every output of WHO anthro's ``anthro_zscores``, exactly.
- :func:`anthro_prevalence` - WHO anthro's ``anthro_prevalence`` table (all four designs).
- :func:`grouped_prevalence` - its simple design for many groups at once, from stored counts
  (:func:`count_table` builds them from rows; :func:`prevalence_from_counts`,
  :func:`zscore_summary_from_sums`, :func:`student_t_quantiles` are the pieces).
- :func:`permenkes_status`, :func:`classify`, :func:`permenkes_label` - Permenkes 2/2020
  categories with their Indonesian and English labels.
- :func:`weight_gain_status` - N/T/O/B, 2T and BGM between consecutive weighings (KBM rules).
- :func:`age_in_days`, :func:`completed_months` - ages from dates.
- :func:`pregnancy_status` - risiko KEK, KEK and anaemia of pregnant women.
- :func:`standardize_sex`, :func:`standardize_measure`, :func:`standardize_oedema`,
  :func:`round_z` - the edge helpers, for callers that report bad cells instead of failing.
- :data:`METHOD_VERSION` / :func:`method_version` - stored with every result, so rows can be
  recomputed when a table or rule changes.
"""

from ._validation import standardize_measure, standardize_oedema, standardize_sex
from .dates import age_in_days, completed_months
from .grouped import (
    COUNT_KEYS,
    count_table,
    grouped_prevalence,
    prevalence_from_counts,
    student_t_quantiles,
    zscore_summary_from_sums,
)
from .lms import round_z
from .maternal import pregnancy_status
from .permenkes import (
    CATEGORIES,
    PERMENKES_COLUMNS,
    PERMENKES_INDICES,
    SEVERITY,
    classify,
    permenkes_label,
    permenkes_status,
)
from .prevalence import PREVALENCE_INDICATORS, anthro_prevalence, student_t_quantile
from .rules import GrowthRules, load_rules
from .version import ENGINE_VERSION, METHOD_VERSION, method_version
from .weight_gain import STATUS_CODES, weight_gain_status
from .zscores import (
    ANTHRO_COLUMNS,
    DAYS_PER_MONTH,
    INTEGER_COLUMNS,
    ZSCORE_INDICATORS,
    anthro_zscores,
)

__all__ = [
    "ANTHRO_COLUMNS",
    "CATEGORIES",
    "COUNT_KEYS",
    "DAYS_PER_MONTH",
    "ENGINE_VERSION",
    "INTEGER_COLUMNS",
    "METHOD_VERSION",
    "PERMENKES_COLUMNS",
    "PERMENKES_INDICES",
    "PREVALENCE_INDICATORS",
    "SEVERITY",
    "STATUS_CODES",
    "ZSCORE_INDICATORS",
    "GrowthRules",
    "age_in_days",
    "anthro_prevalence",
    "anthro_zscores",
    "classify",
    "completed_months",
    "count_table",
    "grouped_prevalence",
    "load_rules",
    "method_version",
    "permenkes_label",
    "permenkes_status",
    "pregnancy_status",
    "prevalence_from_counts",
    "round_z",
    "standardize_measure",
    "standardize_oedema",
    "standardize_sex",
    "student_t_quantile",
    "student_t_quantiles",
    "weight_gain_status",
    "zscore_summary_from_sums",
]
