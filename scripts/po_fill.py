"""Fill translations into the three catalogues from a JSON file.

    .venv/bin/python scripts/po_fill.py new-strings.json

The JSON maps each English msgid to {"ar": "...", "fr": "..."} (a list of forms for plural
messages: six for Arabic, two for French). English copies its msgid. Fuzzy flags on the
filled messages are removed. Run `make messages` first so the new msgids are in the files.
"""

import json
import sys
from pathlib import Path

from babel.messages.pofile import read_po, write_po

LOCALE = Path(__file__).resolve().parent.parent / "wasla" / "locale"


def main(path: str) -> None:
    translations = json.loads(Path(path).read_text(encoding="utf-8"))
    for language in ("ar", "fr", "en"):
        po_path = LOCALE / language / "LC_MESSAGES" / "django.po"
        with po_path.open("rb") as handle:
            catalog = read_po(handle)
        for message in catalog:
            key = message.id if isinstance(message.id, str) else message.id[0] if message.id else ""
            if not key or key not in translations:
                continue
            if language == "en":
                message.string = message.id if isinstance(message.id, str) else tuple(message.id)
            else:
                value = translations[key][language]
                message.string = value if isinstance(message.id, str) else tuple(value)
            message.flags.discard("fuzzy")
            # The previous msgid that msgmerge keeps on fuzzy entries goes with the fuzzy flag.
            message.previous_id = ()
            message.user_comments = [c for c in message.user_comments if not c.startswith("| ")]
        with po_path.open("wb") as handle:
            write_po(handle, catalog, width=79, include_lineno=False, ignore_obsolete=True)


if __name__ == "__main__":
    main(sys.argv[1])
