"""The input of the linkage engine: person records with a fixed set of text columns.

A record is a row with the columns of `COLUMNS`; every value is text ("" when empty). Only
`record_id` is required, and it must be unique: the engine answers with a cluster for every id.
"""

from collections.abc import Iterable, Mapping
from pathlib import Path

import pandas as pd

COLUMNS = (
    "record_id",
    "given_name",
    "family_name",
    "father_name",
    "name_ar",
    "sex",
    "birth_date",
    "birth_year",
    "phone",
    "national_id",
    "governorate",
)


class LinkageInputError(ValueError):
    """The records cannot be linked as given: a missing `record_id` column, an empty or
    duplicated id, or a file that cannot be read. The message says which and where."""


def _duplicate_ids_message(ids: pd.Series) -> str:
    duplicated = ids[ids.duplicated(keep=False)]
    shown = sorted(set(duplicated))[:10]
    more = "" if len(set(duplicated)) <= 10 else ", …"
    return f"duplicate record_id values: {', '.join(shown)}{more}"


def records_frame(records: "pd.DataFrame | Iterable[Mapping[str, object]]") -> pd.DataFrame:
    """The records as a DataFrame with exactly the columns of `COLUMNS`, every value a string
    ("" for empty or missing); other columns are dropped. Raises `LinkageInputError` if the
    `record_id` column is missing, an id is empty, or ids repeat."""
    if isinstance(records, pd.DataFrame):
        frame = records
    else:
        frame = pd.DataFrame.from_records(list(records))
    if "record_id" not in frame.columns:
        raise LinkageInputError("the records have no record_id column")
    out = pd.DataFrame(index=range(len(frame)))
    for column in COLUMNS:
        if column in frame.columns:
            values = frame[column].reset_index(drop=True)
            out[column] = values.where(values.notna(), "").astype(str).str.strip()
        else:
            out[column] = ""
    ids = out["record_id"]
    if (ids == "").any():
        rows = [str(index + 1) for index in ids.index[ids == ""][:10]]
        raise LinkageInputError(f"empty record_id in record(s) {', '.join(rows)}")
    if ids.duplicated().any():
        raise LinkageInputError(_duplicate_ids_message(ids))
    return out


def read_records_csv(path: "str | Path") -> pd.DataFrame:
    """Read a CSV of person records (UTF-8, with or without a byte-order mark; a header row
    naming the columns of `COLUMNS` in any order, all but `record_id` optional). Every value is
    read as text, "" for empty. Raises `LinkageInputError` when the file cannot be read or
    decoded, has no `record_id` column, or repeats an id."""
    path = Path(path)
    try:
        frame = pd.read_csv(
            path, dtype=str, keep_default_na=False, na_filter=False, encoding="utf-8-sig"
        )
    except FileNotFoundError:
        raise LinkageInputError(f"{path}: no such file") from None
    except IsADirectoryError:
        raise LinkageInputError(f"{path}: is a directory, not a CSV file") from None
    except PermissionError:
        raise LinkageInputError(f"{path}: permission denied") from None
    except UnicodeDecodeError as error:
        raise LinkageInputError(
            f"{path}: not UTF-8 text (byte {error.start}); save the file as CSV UTF-8"
        ) from None
    except pd.errors.EmptyDataError:
        raise LinkageInputError(f"{path}: the file is empty") from None
    except (pd.errors.ParserError, ValueError) as error:
        raise LinkageInputError(f"{path}: not a readable CSV file ({error})") from None
    frame.columns = [str(column).strip() for column in frame.columns]
    try:
        return records_frame(frame)
    except LinkageInputError as error:
        raise LinkageInputError(f"{path}: {error}") from None
