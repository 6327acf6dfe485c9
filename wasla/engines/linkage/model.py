"""The Splink model for Tunisian person records: comparisons, blocking rules, training rules.

Each comparison level carries a label "field: what happened" that becomes a reason in the
scored pairs ("name: same transliteration", "birth_date: day and month swapped"). The design and
why each level exists are in docs/record-linkage.md.
"""

import splink.comparison_level_library as cll
import splink.comparison_library as cl
from splink import SettingsCreator, block_on
from splink.internals.comparison_creator import ComparisonCreator

# Starting m and u of each level: what a Tunisian register looks like before the model has
# learned from the data (u from sampling and m from EM replace them). They are what a small
# input, too small to learn from, is scored with.
STARTING_M_U = {
    "name: same transliteration": (0.55, 0.0005),
    "name: same names in other fields, order or script": (0.15, 0.0001),
    "name: same names but for the article": (0.03, 0.00005),
    "name: one letter apart": (0.08, 0.0003),
    "name: same consonants, other vowels": (0.05, 0.0005),
    "name: one name the same, the other close": (0.06, 0.0006),
    "name: similar spelling": (0.04, 0.002),
    "name: similar whole name": (0.02, 0.001),
    "name: short given names one letter apart": (0.01, 0.001),
    "name: two letters apart": (0.01, 0.0005),
    "name: same family name, other given name": (0.00005, 0.01),
    "name: same given name, other family name": (0.01, 0.01),
    "name: two names in common": (0.03, 0.003),
    "name: one name in common": (0.05, 0.08),
    "name: different": (0.08545, 0.8944),
    "birth_date: same date": (0.7, 0.00005),
    "birth_date: day and month swapped": (0.04, 0.00005),
    "birth_date: same day and month, a year apart": (0.02, 0.0001),
    "birth_date: same month, days close": (0.02, 0.0003),
    "birth_date: one digit apart": (0.06, 0.0008),
    "birth_date: same year, only the year known": (0.1, 0.02),
    "birth_date: same year, other date": (0.01, 0.017),
    "birth_date: a year apart": (0.03, 0.04),
    "birth_date: different": (0.06, 0.9221),
    "phone: same number": (0.6, 0.0001),
    "phone: different": (0.4, 0.9999),
    "national_id: same number": (0.9, 0.00001),
    "national_id: one digit apart": (0.05, 0.0001),
    "national_id: different": (0.05, 0.99989),
    "father_name: same transliteration, same given name": (0.9, 0.08),
    "father_name: same transliteration": (0.9, 0.25),
    "father_name: similar spelling": (0.05, 0.05),
    "father_name: different": (0.05, 0.7),
    "sex: same": (0.99, 0.5),
    "sex: different": (0.01, 0.5),
    "governorate: same": (0.85, 0.35),
    "governorate: different": (0.15, 0.65),
}


def _null(*columns: str) -> cll.CustomLevel:
    condition = " OR ".join(f"{column}_l IS NULL OR {column}_r IS NULL" for column in columns)
    return cll.CustomLevel(condition).configure(is_null_level=True, label_for_charts="null")


# Levels whose m the data cannot teach (see _name): kept at their starting value.
FIXED_M = frozenset({"name: same family name, other given name"})

# Brothers and sisters share a phone, a father's name and a governorate, and have one sex in
# two. Fellegi-Sunter adds the weights of agreeing fields as if they were independent; for a
# household they are not, and with u from random pairs (a phone shared by 1 pair in 100,000)
# one shared household phone would outweigh two different given names. These comparisons keep
# the values below, which are the chances among pairs that share a family name: a different
# person of the same family has the same father one time in four, the same governorate one
# time in three; two records of different people share a phone one time in ten thousand
# (a household phone is on 15 % of records).
HOUSEHOLD_FIELDS = ("phone", "father_name", "sex", "governorate")


def _labelled(level, label: str, **options):
    m, u = STARTING_M_U[label]
    if label in FIXED_M:
        options["fix_m_probability"] = True
    if label.split(":")[0] in HOUSEHOLD_FIELDS:
        options["fix_m_probability"] = True
        options["fix_u_probability"] = True
    return level.configure(label_for_charts=label, m_probability=m, u_probability=u, **options)


def _level(sql: str, label: str, **options) -> cll.CustomLevel:
    # Written in DuckDB SQL; Splink translates it (sqlglot) for Spark.
    return _labelled(cll.CustomLevel(sql, base_dialect_str="duckdb"), label, **options)


def _else(label: str):
    return _labelled(cll.ElseLevel(), label)


def _jw(column: str, threshold: float = 0.88):
    return cll.JaroWinklerLevel(column, threshold)


def _name() -> ComparisonCreator:
    """The whole name: given and family names by transliteration key, and the set of name
    tokens of the Latin and Arabic-script names, which agrees whatever the field or order.

    "Same family name, other given name" has a level of its own, with m fixed low: it is how
    brothers and sisters compare, and they also share a father, a phone and a governorate, so
    EM would otherwise learn the household rather than the person."""
    # Short keys: one letter wrong in "jbli" or an article read into "lri" for "ari" leaves a
    # Jaro-Winkler under 0.88; one edit, with the other name the same, is a typo. A given name
    # one letter from another is only a typo when it is long: "ahmd" and "mhmd" are Ahmed and
    # Mohamed, two brothers as often as one man.
    one_letter = cll.Or(
        cll.And(cll.ExactMatchLevel("given_key"), cll.DamerauLevenshteinLevel("family_key", 1)),
        cll.And(
            cll.ExactMatchLevel("family_key"),
            cll.DamerauLevenshteinLevel("given_key", 1),
            cll.CustomLevel("least(length(given_key_l), length(given_key_r)) >= 5"),
        ),
    )
    # One name the same and the other close (Saleh and Salih, Nadia and ناديه read Nadih): much
    # rarer between two people than two names each close to the other's.
    one_same = cll.Or(
        cll.And(cll.ExactMatchLevel("family_key"), _jw("given_key")),
        cll.And(cll.ExactMatchLevel("given_key"), _jw("family_key")),
    )
    # Each name close to its counterpart (Jaro-Winkler 0.88), in its field or the other.
    similar = cll.Or(
        cll.And(_jw("given_key"), _jw("family_key")),
        cll.And(
            cll.CustomLevel("jaro_winkler_similarity(given_key_l, family_key_r) >= 0.88"),
            cll.CustomLevel("jaro_winkler_similarity(family_key_l, given_key_r) >= 0.88"),
        ),
    )
    # The whole sorted name close, when the fields do not line up (a name in the wrong field,
    # a father's name read into the Arabic name).
    similar_whole = _jw("name_sorted", 0.92)
    # "ahmd" and "mhmd": a typo as often as two brothers; a level of its own, weighed low.
    short_given = cll.And(
        cll.ExactMatchLevel("family_key"), cll.DamerauLevenshteinLevel("given_key", 1)
    )
    return cl.CustomComparison(
        output_column_name="name",
        comparison_levels=[
            _null("name_sorted"),
            _level(
                "given_key_l = given_key_r AND family_key_l = family_key_r",
                "name: same transliteration",
                tf_adjustment_column="name_sorted",
                tf_adjustment_weight=0.5,
            ),
            _level(
                "name_sorted_l = name_sorted_r",
                "name: same names in other fields, order or script",
                tf_adjustment_column="name_sorted",
                tf_adjustment_weight=0.5,
            ),
            # "El Amri" or "Amri" for العامري: Latin spellings drop the article as often as
            # they keep it.
            _level("name_bare_l = name_bare_r", "name: same names but for the article"),
            _labelled(one_letter, "name: one letter apart"),
            # The vowels a spelling writes long or short (Nour, Nur; Khaled, Khalid; Mahmoud,
            # Mahmud) and ى written ي (هدى, هدي): the same consonants in the same names.
            _level("name_consonants_l = name_consonants_r", "name: same consonants, other vowels"),
            _labelled(one_same, "name: one name the same, the other close"),
            _labelled(similar, "name: similar spelling"),
            _labelled(similar_whole, "name: similar whole name"),
            _labelled(short_given, "name: short given names one letter apart"),
            # Two typos in a name long enough for two typos not to make another name.
            _level(
                "least(length(name_sorted_l), length(name_sorted_r)) >= 8"
                " AND damerau_levenshtein(name_sorted_l, name_sorted_r) <= 2",
                "name: two letters apart",
            ),
            _labelled(_jw("family_key"), "name: same family name, other given name"),
            _labelled(_jw("given_key"), "name: same given name, other family name"),
            _labelled(cll.ArrayIntersectLevel("name_tokens", 2), "name: two names in common"),
            _labelled(cll.ArrayIntersectLevel("name_tokens", 1), "name: one name in common"),
            _else("name: different"),
        ],
    )


def _birth() -> ComparisonCreator:
    return cl.CustomComparison(
        output_column_name="birth_date",
        comparison_levels=[
            _null("birth_year"),
            _level("birth_date_l = birth_date_r", "birth_date: same date"),
            _level(
                "birth_year_l = birth_year_r AND birth_month_l = birth_day_r"
                " AND birth_day_l = birth_month_r",
                "birth_date: day and month swapped",
            ),
            # The slips of a date typed from memory: the year one off, the day a few off.
            _level(
                "birth_month_l = birth_month_r AND birth_day_l = birth_day_r"
                " AND abs(birth_year_l - birth_year_r) = 1",
                "birth_date: same day and month, a year apart",
            ),
            _level(
                "birth_year_l = birth_year_r AND birth_month_l = birth_month_r"
                " AND abs(birth_day_l - birth_day_r) <= 3",
                "birth_date: same month, days close",
            ),
            _labelled(cll.DamerauLevenshteinLevel("birth_date", 1), "birth_date: one digit apart"),
            _level(
                "birth_year_l = birth_year_r AND (birth_date_l IS NULL OR birth_date_r IS NULL)",
                "birth_date: same year, only the year known",
            ),
            _level("birth_year_l = birth_year_r", "birth_date: same year, other date"),
            _level("abs(birth_year_l - birth_year_r) <= 1", "birth_date: a year apart"),
            _else("birth_date: different"),
        ],
    )


def _phone() -> ComparisonCreator:
    # Households share a phone: see HOUSEHOLD_FIELDS.
    return cl.CustomComparison(
        output_column_name="phone",
        comparison_levels=[
            _null("phone"),
            _level("phone_l = phone_r", "phone: same number"),
            _else("phone: different"),
        ],
    )


def _national_id() -> ComparisonCreator:
    return cl.CustomComparison(
        output_column_name="national_id",
        comparison_levels=[
            _null("national_id"),
            _level("national_id_l = national_id_r", "national_id: same number"),
            _labelled(
                cll.DamerauLevenshteinLevel("national_id", 1), "national_id: one digit apart"
            ),
            _else("national_id: different"),
        ],
    )


def _father() -> ComparisonCreator:
    return cl.CustomComparison(
        output_column_name="father_name",
        comparison_levels=[
            _null("father_key"),
            # The same father for the same given name tells a person from a namesake (who has
            # another father nine times in ten); for different given names it only says
            # brothers and sisters, who share a father anyway: see HOUSEHOLD_FIELDS.
            _level(
                "father_key_l = father_key_r AND given_key_l = given_key_r",
                "father_name: same transliteration, same given name",
            ),
            _level("father_key_l = father_key_r", "father_name: same transliteration"),
            _labelled(cll.JaroWinklerLevel("father_key", 0.88), "father_name: similar spelling"),
            _else("father_name: different"),
        ],
    )


def _exact(column: str) -> ComparisonCreator:
    return cl.CustomComparison(
        output_column_name=column,
        comparison_levels=[
            _null(column),
            _level(f"{column}_l = {column}_r", f"{column}: same"),
            _else(f"{column}: different"),
        ],
    )


# Pairs are scored only within these blocks (their union). Each catches a kind of variant the
# others miss, and each keeps blocks small at a million records.
PREDICTION_BLOCKING_RULES = (
    block_on("national_id"),
    block_on("phone"),
    block_on("name_sorted", "birth_year"),
    # birth_date_key: the date with day and month in either order (a swapped date still meets).
    block_on("given_key", "birth_date_key"),
    block_on("family_key", "birth_date_key"),
    block_on("name_first", "birth_date_key"),
    block_on("name_last", "birth_date_key"),
    block_on("name_sorted", "father_key"),
    block_on("father_key", "birth_date_key"),
    block_on("given_key", "family_key", "governorate"),
    block_on("given_key", "family_key", "father_key"),
)

# EM sessions: each leaves out the comparisons its rule uses, together they train all.
# Not the phone: a block on the phone is mostly households, and EM would learn them.
TRAINING_BLOCKING_RULES = (
    block_on("national_id"),
    block_on("name_sorted"),
    block_on("birth_date"),
)

# EM learns as well from a sample of a big block; this bounds its time at a million records.
EM_MAX_PAIRS = 5e5

# Rules that almost only join true matches, used to estimate how likely two random records
# are the same person; `DETERMINISTIC_RECALL` is the share of true pairs they are assumed to find.
DETERMINISTIC_RULES = (
    "l.national_id = r.national_id",
    "l.name_sorted = r.name_sorted AND l.birth_date = r.birth_date",
)
DETERMINISTIC_RECALL = 0.6


def settings() -> SettingsCreator:
    """The Splink settings of the Wasla model, untrained."""
    return SettingsCreator(
        link_type="dedupe_only",
        unique_id_column_name="unique_id",
        comparisons=[
            _name(),
            _birth(),
            _phone(),
            _national_id(),
            _father(),
            _exact("sex"),
            _exact("governorate"),
        ],
        blocking_rules_to_generate_predictions=list(PREDICTION_BLOCKING_RULES),
        retain_matching_columns=False,
        # The comparison vector (gamma columns) gives the reasons of each pair.
        retain_intermediate_calculation_columns=True,
        max_iterations=20,
        em_convergence=0.001,
    )
