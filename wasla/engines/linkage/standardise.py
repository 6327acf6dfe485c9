"""Standardised forms of the fields that identify a person: names, phones, identity card
numbers and birth dates.

Names arrive in Arabic script, in French-style Latin transliteration ("Mohamed Ben Salah"), in
English or academic transliteration ("Muhammad bin Salih") or mixed; phones and card numbers in
any layout, sometimes with Arabic-Indic digits; birth dates as typed. Each function takes plain
text and returns plain values. The rules, why they are so, and their known limits are in
docs/name-standardisation.md.
"""

import datetime
import re
import unicodedata
from dataclasses import dataclass
from enum import StrEnum
from typing import Literal

import phonenumbers

# --- Characters shared by every field -----------------------------------------------------------

_ARABIC_INDIC_DIGITS = str.maketrans("٠١٢٣٤٥٦٧٨٩۰۱۲۳۴۵۶۷۸۹", "01234567890123456789")

# Harakat, Quranic annotation signs, the superscript alef and the tatweel: writers add or leave
# them out freely, so they never tell two names apart.
_ARABIC_MARKS_AND_TATWEEL = re.compile("[\u0610-\u061a\u064b-\u065f\u0670\u06d6-\u06ed\u0640]")

_ARABIC_LETTER_FOLDS = str.maketrans(
    {
        "أ": "ا",
        "إ": "ا",
        "آ": "ا",
        "ٱ": "ا",
        "ؤ": "و",
        "ئ": "ي",
        "ء": None,
        "ة": "ه",
        "ۃ": "ه",
        "ۀ": "ه",
        "ى": "ي",
        "ی": "ي",
        "ک": "ك",
        "ہ": "ه",
        "ھ": "ه",
        "ڤ": "ف",
        "ڨ": "ق",
        "گ": "ق",
    }
)

_APOSTROPHES = "'’‘ʼʻʿʾ`´′"
# Latin letters that NFKD leaves whole.
_LATIN_LETTER_FOLDS = str.maketrans(
    {"ø": "o", "æ": "ae", "œ": "oe", "ł": "l", "đ": "d", "ð": "d", "þ": "th", "ı": "i", "ħ": "h"}
    | dict.fromkeys(_APOSTROPHES, " ")
)
_NOT_LETTER_OR_DIGIT = re.compile(r"[\W_]+")


def _without_format_characters(text: str) -> str:
    # Text copied from phones and word processors carries invisible direction marks and joiners.
    return "".join(character for character in text if unicodedata.category(character) != "Cf")


def _ascii_digits(text: str) -> str:
    return text.translate(_ARABIC_INDIC_DIGITS)


def _cleaned(text: str) -> str:
    return _ascii_digits(_without_format_characters(unicodedata.normalize("NFKC", text)))


def normalise_arabic(text: str) -> str:
    """Arabic script without the differences that writers make freely: no harakat or tatweel;
    one alef (أ إ آ ٱ → ا); hamza carriers ؤ → و, ئ → ي, a lone ء dropped; ة → ه; ى → ي;
    Persian and Urdu look-alikes (ی ک ہ ھ) and Maghrebi letters (ڤ → ف, ڨ → ق) folded;
    Arabic-Indic digits as ASCII; whitespace collapsed. Other characters pass through."""
    if not text:
        return ""
    text = _ARABIC_MARKS_AND_TATWEEL.sub("", _cleaned(text))
    return " ".join(text.translate(_ARABIC_LETTER_FOLDS).split())


def normalise_latin(text: str) -> str:
    """Latin script in lower case without accents; apostrophes, hyphens, dots and any other
    punctuation become spaces; whitespace collapsed. "Aïcha Ben-Salah" → "aicha ben salah"."""
    if not text:
        return ""
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    without_accents = "".join(c for c in decomposed if not unicodedata.combining(c))
    return " ".join(
        _NOT_LETTER_OR_DIGIT.sub(" ", without_accents.translate(_LATIN_LETTER_FOLDS)).split()
    )


# --- Names: from letters to sounds ---------------------------------------------------------------
#
# A word becomes a string of one-character sounds: a lower-case letter is a consonant class, an
# upper-case letter a vowel. Consonant classes: b t d j h x(kh) r z s c(ch/sh) g(gh) f k l m n,
# and w y at the start of a word. Vowels: A (a, alef), E (Latin e), O (Latin o or u alone, a
# short vowel), U (ou, و: a long u), I (i, y, ي, ئ), W (a glide: ou or w before a vowel) and
# Q (ع and ء, which Latin spelling shows as a vowel or not at all).

_ARABIC_SOUNDS = {
    "ب": "b",
    "پ": "b",
    "ت": "t",
    "ط": "t",
    # Tunisian spelling writes ث as "th", and "th" is also ت + ح (Fathi, فتحي): two sounds.
    "ث": "th",
    "ج": "j",
    "چ": "j",
    "ح": "h",
    "ه": "h",
    "ہ": "h",
    "ھ": "h",
    "ۀ": "h",
    "خ": "x",
    "د": "d",
    # ذ ض ظ are "dh" (Ridha, Mondher) or "d" (Chedly, Reda): Latin "dh" is read as d.
    "ذ": "d",
    "ض": "d",
    "ظ": "d",
    "ر": "r",
    "ز": "z",
    "ژ": "z",
    "س": "s",
    "ص": "s",
    "ش": "c",
    "غ": "g",
    "ف": "f",
    "ڤ": "f",
    "ق": "k",
    "ڨ": "k",
    "گ": "k",
    "ك": "k",
    "ک": "k",
    "ل": "l",
    "م": "m",
    "ن": "n",
    "ا": "A",
    "أ": "A",
    "إ": "A",
    "آ": "A",
    "ٱ": "A",
    "ى": "A",
    "ؤ": "A",
    "ئ": "I",
    "ء": "Q",
    "ع": "Q",
}
_ALEFS = "اأإآٱ"
# After one of these, و is the glide of "oua" (مروان, Marouane), not a long u.
_ARABIC_VOWEL_LETTERS = _ALEFS + "ىةۃءئؤعيی"
_ARABIC_SUN_LETTERS = "تثدذرزسشصضطظلن"
_ARABIC_ARTICLE_VOWELS = _ALEFS + "ءعؤئى"
# Names that begin with alef-lam written without their hamza: not the article.
_ARABIC_WORDS_STARTING_WITH_AL = frozenset({"الياس", "الهام", "الفة", "الفت", "الاء", "اليسا"})
# Written loosely (ة as ه, as one in three Arabic records is), they must still be recognised.
_ARABIC_WORDS_STARTING_WITH_AL_LOOSE = frozenset(
    word.replace("ة", "ه") for word in _ARABIC_WORDS_STARTING_WITH_AL
)
# A final ه is nearly always a ta marbuta written without its dots (فاطمه, خديجه, ناديه): the
# names that really end in the sound h are few, and these are they.
_ARABIC_FINAL_HEH_NAMES = frozenset({"نزيه", "وجيه", "نبيه", "فقيه", "شاه", "الله"})

_LATIN_VOWEL_LETTERS = "aeiouy"
_LATIN_DIGRAPHS = {
    "ch": "c",
    "sh": "c",
    "kh": "x",
    "gh": "g",
    "ph": "f",
    "dh": "d",
    "dj": "j",
    "ck": "k",
}
_LATIN_LETTERS = {
    "a": "A",
    "b": "b",
    "d": "d",
    "f": "f",
    "h": "h",
    "i": "I",
    "j": "j",
    "k": "k",
    "l": "l",
    "m": "m",
    "n": "n",
    "o": "O",
    "p": "b",
    "q": "k",
    "r": "r",
    "s": "s",
    "t": "t",
    "u": "O",
    "v": "f",
    "x": "ks",
    "z": "z",
}


def _arabic_sounds(word: str) -> str:
    sounds = []
    for position, letter in enumerate(word):
        following = word[position + 1 : position + 2]
        if letter == "و":
            if position == 0:
                sound = "w"
            else:
                sound = "W" if following and following in _ARABIC_VOWEL_LETTERS else "U"
        elif letter in "يی":
            sound = "y" if position == 0 else "I"
        elif letter in "ةۃ" or (
            letter == "ه"
            and position == len(word) - 1
            and position >= 2
            and word not in _ARABIC_FINAL_HEH_NAMES
        ):
            # حياة, نجاة are said and spelt with a t: Hayet, Najet.
            ends_in_aat = (
                position == len(word) - 1 and position > 0 and word[position - 1] in _ALEFS
            )
            sound = "t" if ends_in_aat else "A"
        else:
            sound = _ARABIC_SOUNDS.get(letter, "")
        sounds.append(sound)
    return "".join(sounds)


def _latin_sounds(word: str) -> str:
    sounds = []
    position = 0
    while position < len(word):
        letter = word[position]
        pair = word[position : position + 2]
        following = word[position + 1 : position + 2]
        after_pair = word[position + 2 : position + 3]
        step = 1
        if word.startswith("sch", position):
            sound, step = "c", 3
        elif pair in _LATIN_DIGRAPHS:
            sound, step = _LATIN_DIGRAPHS[pair], 2
        elif (pair == "qu" and after_pair and after_pair in _LATIN_VOWEL_LETTERS) or (
            pair == "gu" and after_pair and after_pair in "eiy"
        ):
            sound, step = "k", 2
        elif pair == "ou":
            before_vowel = bool(after_pair) and after_pair in _LATIN_VOWEL_LETTERS
            sound = ("w" if position == 0 else "W") if before_vowel else "U"
            step = 2
        elif pair == "oo":
            sound, step = "U", 2
        elif pair == "ee":
            sound, step = "I", 2
        elif letter == "c":
            sound = "s" if following and following in "eiy" else "k"
        elif letter == "g":
            sound = "j" if following and following in "eiy" else "k"
        elif letter == "w":
            sound = "w" if position == 0 else "W"
        elif letter == "y":
            starts_syllable = (
                position == 0 and bool(following) and following in _LATIN_VOWEL_LETTERS
            )
            sound = "y" if starts_syllable else "I"
        elif letter == "e":
            # "ae" is how French spelling writes the ئ of وائل (Wael), رائد (Raed).
            sound = "I" if position > 0 and word[position - 1] == "a" else "E"
        else:
            sound = _LATIN_LETTERS.get(letter, "")
        sounds.append(sound)
        position += step
    return "".join(sounds)


def _skeleton(sounds: str) -> str:
    """The key of a string of sounds; see docs/name-standardisation.md for the rules."""
    sounds = re.sub(r"([a-z])\1+", r"\1", sounds)
    positions = [index for index, sound in enumerate(sounds) if sound.islower()]
    if not positions:
        return "a" if sounds else ""
    consonants = [sounds[index] for index in positions]
    # A final Latin e is silent (Amine, أمين), and ع or ء at the end is not written in Latin.
    ending = sounds[positions[-1] + 1 :].rstrip("EQW")
    mark = ""
    if not ending and len(positions) >= 2:
        # The long vowel before a word's final consonant is written in both scripts (Mahmoud,
        # محمود) and keeps apart names whose consonants agree (Mohamed, محمد).
        last_vowels = sounds[positions[-2] + 1 : positions[-1]]
        mark = "u" if "U" in last_vowels else "i" if "I" in last_vowels else ""
    key = "a" if positions[0] > 0 else ""
    key += "".join(consonants[:-1]) + mark + consonants[-1] + _ending_mark(ending)
    # ك or ق before ح is what Latin writes "kh" (لكحل is Lakhal), as it writes خ; ث, which is
    # "th" in Tunisian spelling, is "s" in Turkish and Middle-Eastern ones (Othman, Osman).
    return re.sub(r"([^aiu])\1+", r"\1", key.replace("kh", "x").replace("th", "s"))


def _ending_mark(ending: str) -> str:
    if not ending:
        return ""
    last = ending[-1]
    if last == "A":
        return "ia" if "I" in ending[:-1] else "a"
    if last == "I":
        return "i"
    return "u" if last in "UO" else ""


# --- Names: words, particles and the article --------------------------------------------------

_ARABIC_RUN = re.compile("([\u0600-\u06ff\u0750-\u077f\u08a0-\u08ff]+)")
_WORD = re.compile("[a-z]+|[\u0621-\u063a\u0641-\u064a\u0671-\u06d3\u06fa-\u06ff]+")
_INNER_APOSTROPHE = re.compile(f"(?<=[^\\W\\d_])[{_APOSTROPHES}](?=[^\\W\\d_])")

_LATIN_PARTICLES = {
    **dict.fromkeys(("ben", "bin", "ibn", "ebn", "ibnou"), "bEn"),
    **dict.fromkeys(("bou", "bu", "abou", "abu"), "bU"),
    "bel": "bEl",
    "abd": "Abd",
}
# "Abdel Kader": the particle abd with the article glued to it.
_LATIN_ABD_WITH_ARTICLE = frozenset({"abdel", "abdal", "abdul", "abdoul", "abdil"})
_ARABIC_PARTICLES = {"بن": "bn", "ابن": "bn", "بو": "bU", "ابو": "bU", "عبد": "Qbd"}
_LATIN_ARTICLES = frozenset({"el", "al", "il", "ul"})
# "ed din", "es sid", "ech chebbi": the article written as it sounds before a sun letter.
_LATIN_ASSIMILATED_ARTICLE = re.compile("[aeiu](ch|sh|[tdrzsn])")
_LATIN_SUN_LETTERS = "tdrzsnl"

# The second half of compound names: Seif Eddine, Nasr Allah. They belong to the word before.
_DIN_SOUNDS = "dIn"
_ALLAH_SOUNDS = "lAh"
_LATIN_DIN = "(?:[aeiou]{1,2}d?)?d(?:i|ee|y|ii)ne?"
_LATIN_DIN_WORD = re.compile(_LATIN_DIN)
_LATIN_DIN_ENDING = re.compile(f"{_LATIN_DIN}$")
_LATIN_ALLAH_WORDS = frozenset({"allah", "alla", "ellah", "illah", "ullah", "oullah", "llah"})
_ARABIC_DIN_WORDS = frozenset({"الدين", "دين"})

_LATIN_GLUED_ABD_ARTICLE = re.compile("abd(?:e|a|ou|u|o|i)l([a-z]{3,})")
_LATIN_GLUED_ABOU = re.compile("abo?u([b-df-hj-np-tv-z][a-z]{2,})")
_LATIN_GLUED_SUN_ARTICLE = re.compile(r"e([tdrzsnl])\1[a-z]{2,}")
# Not before y: Elyes, Elyssa are names, not the article.
_LATIN_GLUED_MOON_ARTICLE = re.compile("[ae]l[b-df-hj-np-tv-xz][a-z]{3,}")


@dataclass(frozen=True)
class _Token:
    kind: Literal["word", "particle", "article", "tail"]  # tail: a compound's second half
    text: str = ""
    arabic: bool = False
    sounds: str = ""
    article_follows: bool = False


def _fold_alef(text: str) -> str:
    return re.sub(f"[{_ALEFS}]", "ا", text)


def _words(text: str) -> list[tuple[str, bool]]:
    """The words of a name as (text, is Arabic); single letters (initials) left out."""
    text = _without_format_characters(unicodedata.normalize("NFKC", text))
    text = _ARABIC_MARKS_AND_TATWEEL.sub("", _INNER_APOSTROPHE.sub("", text))
    parts = _ARABIC_RUN.split(text)
    # split() with a group alternates other text and Arabic runs: Latin is at even places.
    joined = " ".join(
        part if index % 2 else normalise_latin(part) for index, part in enumerate(parts)
    )
    return [(word, not word.isascii()) for word in _WORD.findall(joined) if len(word) > 1]


def _unglued(words: list[tuple[str, bool]]) -> list[tuple[str, bool]]:
    """Particles written together with the next word, split off: Abdelkader, عبدالرحمن, ابوبكر."""
    separated = []
    for text, arabic in words:
        if arabic and text.startswith("عبدال") and len(text) >= 7:
            separated += [("عبد", True), (text[3:], True)]
        elif arabic and _fold_alef(text).startswith("ابو") and len(text) >= 5:
            separated += [("بو", True), (text[3:], True)]
        elif not arabic and (match := _LATIN_GLUED_ABD_ARTICLE.fullmatch(text)):
            separated += [("abdel", False), (match.group(1), False)]
        elif not arabic and (match := _LATIN_GLUED_ABOU.fullmatch(text)):
            separated += [("bou", False), (match.group(1), False)]
        else:
            separated.append((text, arabic))
    return separated


def _tokens(text: str) -> list[_Token]:
    words = _unglued(_words(text))
    tokens = []
    for index, (word, arabic) in enumerate(words):
        following = words[index + 1][0] if index + 1 < len(words) else ""
        if arabic:
            folded = _fold_alef(word)
            if folded in _ARABIC_PARTICLES:
                tokens.append(_Token("particle", sounds=_ARABIC_PARTICLES[folded]))
            elif word == "ال":
                tokens.append(_Token("article"))
            elif folded in _ARABIC_DIN_WORDS:
                tokens.append(_Token("tail", sounds=_DIN_SOUNDS))
            elif folded == "الله":
                tokens.append(_Token("tail", sounds=_ALLAH_SOUNDS))
            else:
                tokens.append(_Token("word", text=word, arabic=True))
            continue
        assimilated = _LATIN_ASSIMILATED_ARTICLE.fullmatch(word)
        if word in _LATIN_PARTICLES:
            tokens.append(_Token("particle", sounds=_LATIN_PARTICLES[word]))
        elif word in _LATIN_ABD_WITH_ARTICLE:
            tokens.append(_Token("particle", sounds="Abd", article_follows=True))
        elif word in _LATIN_ARTICLES or (
            assimilated and following.startswith(assimilated.group(1))
        ):
            tokens.append(_Token("article"))
        elif _LATIN_DIN_WORD.fullmatch(word):
            tokens.append(_Token("tail", sounds=_DIN_SOUNDS))
        elif word in _LATIN_ALLAH_WORDS:
            tokens.append(_Token("tail", sounds=_ALLAH_SOUNDS))
        else:
            tokens.append(_Token("word", text=word))
    return tokens


def _arabic_onset(word: str) -> str:
    """Whether a word starts with a "sun" letter, a "moon" letter or a "vowel"."""
    if word[:1] in _ARABIC_SUN_LETTERS:
        return "sun"
    return "vowel" if word[:1] in _ARABIC_ARTICLE_VOWELS else "moon"


def _latin_onset(word: str) -> str:
    if word[:1] in _LATIN_SUN_LETTERS or word.startswith(("ch", "sh")):
        return "sun"
    return "vowel" if word[:1] in "aeiou" else "moon"


def _article_sounds(starts_with: str, starts_group: bool) -> str:
    """What remains of the article before a word that starts with a "sun", "moon" or "vowel"."""
    if starts_with == "sun":
        return ""  # assimilated: الدين is "ed-dine", the l is not heard
    if starts_with == "vowel":
        return "l"  # الأسعد, العروسي: Lassaad, Laroussi
    return "" if starts_group else "l"  # المكي is Mekki, but عبد القادر is Abdelkader


def _word_sounds(token: _Token, article: bool, starts_group: bool, keep_article: bool) -> str:
    word = token.text
    if token.arabic:
        has_own_article = (
            word.startswith(("ال", "ٱل"))
            and len(word) >= 4
            and word not in _ARABIC_WORDS_STARTING_WITH_AL
            and word not in _ARABIC_WORDS_STARTING_WITH_AL_LOOSE
        )
        if has_own_article and not article:
            article, word = True, word[2:]
        prefix = _article_sounds(_arabic_onset(word), starts_group) if article else ""
        return (prefix if keep_article else "") + _arabic_sounds(word)
    if not article and not _LATIN_DIN_ENDING.search(word):
        if _LATIN_GLUED_SUN_ARTICLE.fullmatch(word):
            article, word = True, word[1:]  # Essid, Ettounsi: the doubled letter is kept and folds
        elif _LATIN_GLUED_MOON_ARTICLE.fullmatch(word):
            article, word = True, word[2:]  # Elmekki, Elhadj
    prefix = _article_sounds(_latin_onset(word), starts_group) if article else ""
    return (prefix if keep_article else "") + _latin_sounds(word)


def _name_groups(text: str, keep_article: bool = True) -> list[str]:
    """The sounds of each name in a full name; a particle and a compound's second half are
    joined to the word they belong to ("ben salah" is one name, "seif eddine" another).
    Without `keep_article`, nothing of the article is heard, not even the l that Tunisian
    spelling keeps before a vowel."""
    groups: list[str] = []
    awaiting_name = False  # the last group ends with a particle such as "ben"
    article = False
    for token in _tokens(text):
        if token.kind == "article":
            article = True
            continue
        if token.kind == "particle":
            if awaiting_name:
                groups[-1] += token.sounds
            else:
                groups.append(token.sounds)
            awaiting_name, article = True, token.article_follows
            continue
        if token.kind == "tail":
            sounds = token.sounds
        else:
            sounds = _word_sounds(
                token, article=article, starts_group=not awaiting_name, keep_article=keep_article
            )
        if awaiting_name or (token.kind == "tail" and groups):
            groups[-1] += sounds
        else:
            groups.append(sounds)
        awaiting_name = article = False
    # A particle with nothing after it stays: a search typed as far as "Ben" finds the Ben families.
    return [group for group in groups if group]


def transliteration_key(text: str) -> str:
    """A phonetic skeleton of a name that is the same for its Arabic-script and Latin-script
    spellings: "محمد", "Mohamed", "Muhammad", "Mhamed" → "mhmd"; "يوسف", "Youssef", "Yusuf" →
    "ysf"; "بن صالح", "Ben-Salah", "Bensalah" → "bnslh". All words are joined into one key."""
    if not text:
        return ""
    return _skeleton("".join(_name_groups(text)))


def name_tokens(text: str, *, keep_article: bool = True) -> list[str]:
    """The transliteration key of each name in a full name, in order. "Ben Ali" and "Benali" give
    the same token, so do "Seif Eddine" and "Seifeddine"; the article is joined to its word;
    initials and empty words are left out.

    With `keep_article=False` the article leaves no trace at all: "El Amri", "Amri" and
    "العامري" give the same token, which they do not otherwise (the l of the article before a
    vowel is kept, for "Laroussi" = "العروسي"). Writers drop the article from Latin spellings
    as often as not; a comparison can use both readings."""
    if not text:
        return []
    return [key for key in map(_skeleton, _name_groups(text, keep_article)) if key]


def name_key(text: str) -> str:
    """One key for a whole name: its tokens sorted and joined by spaces, so the order of the
    names does not matter ("Ben Salah Mohamed" and "محمد بن صالح" agree)."""
    return " ".join(sorted(name_tokens(text)))


# --- Phones and identity card numbers ------------------------------------------------------------


def phone_e164(text: str, default_region: str = "TN") -> str | None:
    """The number in E.164 form ("+21622123456") from any common layout: "22 123 456",
    "+216 22 123 456", "0021622123456", "(+216)22.123.456", Arabic-Indic digits. A number
    without a country code is read in `default_region`. None unless it is a valid number;
    text with letters is refused rather than read as a keypad word."""
    if not text:
        return None
    text = _cleaned(text)
    if any(character.isalpha() for character in text):
        return None
    try:
        number = phonenumbers.parse(text, default_region.upper() if default_region else None)
    except phonenumbers.NumberParseException:
        return None
    if not phonenumbers.is_valid_number(number):
        return None
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)


_EIGHT_DIGITS = re.compile("[0-9]{8}")


def national_id(text: str) -> str | None:
    """A Tunisian identity card number: exactly 8 digits once spaces are removed (Arabic-Indic
    digits accepted), as 8 ASCII digits; None otherwise."""
    if not text:
        return None
    compact = "".join(_cleaned(text).split())
    return compact if _EIGHT_DIGITS.fullmatch(compact) else None


# --- Birth dates -------------------------------------------------------------------------------

_SEPARATOR = r"\s*[-/.]\s*|\s+"
_YEAR_MONTH_DAY = re.compile(
    f"([0-9]{{4}})(?:{_SEPARATOR})([0-9]{{1,2}})(?:{_SEPARATOR})([0-9]{{1,2}})"
)
_DAY_MONTH_YEAR = re.compile(
    f"([0-9]{{1,2}})(?:{_SEPARATOR})([0-9]{{1,2}})(?:{_SEPARATOR})([0-9]{{4}})"
)


def _date_or_none(year: int, month: int, day: int) -> datetime.date | None:
    try:
        return datetime.date(year, month, day)
    except ValueError:
        return None


def birth_date_candidates(text: str) -> list[datetime.date]:
    """The dates a typed birth date may mean. ISO ("1990-03-04") has one reading; "04/03/1990",
    "4-3-1990", "04.03.1990" are read day first, and also month first when that is a valid,
    different date (so "04/03/1990" gives 4 March then 3 April, "12/31/1990" gives 31 December).
    Impossible dates ("31/02/1990"), two-digit years and other layouts give []."""
    if not text:
        return []
    text = _cleaned(text).strip()
    if match := _YEAR_MONTH_DAY.fullmatch(text):
        year, month, day = map(int, match.groups())
        found = _date_or_none(year, month, day)
        return [found] if found else []
    if match := _DAY_MONTH_YEAR.fullmatch(text):
        first, second, year = map(int, match.groups())
        candidates = []
        for reading in (_date_or_none(year, second, first), _date_or_none(year, first, second)):
            if reading and reading not in candidates:
                candidates.append(reading)
        return candidates
    return []


class BirthDateAgreement(StrEnum):
    """How two birth records compare; the members are plain strings."""

    EXACT = "exact"
    SWAPPED = "swapped"  # day and month exchanged: 04/03 against 03/04
    CLOSE = "close"  # same year and month, days one keystroke apart
    YEAR = "year"  # only years known on one side or both, and they are equal
    DIFFERENT = "different"
    UNKNOWN = "unknown"  # a year is missing on one side


def _days_look_alike(day_a: int, day_b: int) -> bool:
    written_a, written_b = f"{day_a:02d}", f"{day_b:02d}"
    one_digit_apart = sum(a != b for a, b in zip(written_a, written_b, strict=True)) == 1
    return abs(day_a - day_b) == 1 or one_digit_apart or written_a == written_b[::-1]


def _as_date(value: datetime.date | None) -> datetime.date | None:
    return value.date() if isinstance(value, datetime.datetime) else value


def birth_dates_agree(
    a: datetime.date | None, year_a: int | None, b: datetime.date | None, year_b: int | None
) -> str:
    """Compare two birth records, each a full date or only a year (a full date wins over its
    year). "exact"; "swapped" (day and month exchanged); "close" (same year and month, days one
    digit apart, transposed or next to each other: 04 and 14, 12 and 21, 09 and 10); "year"
    (a full date missing on a side, years equal); "different"; "unknown" (a year missing)."""
    a, b = _as_date(a), _as_date(b)
    if a and b:
        if a == b:
            return BirthDateAgreement.EXACT
        if a.year == b.year and (a.day, a.month) == (b.month, b.day):
            return BirthDateAgreement.SWAPPED
        if a.year == b.year and a.month == b.month and _days_look_alike(a.day, b.day):
            return BirthDateAgreement.CLOSE
        return BirthDateAgreement.DIFFERENT
    known_year_a = a.year if a else year_a
    known_year_b = b.year if b else year_b
    if known_year_a is None or known_year_b is None:
        return BirthDateAgreement.UNKNOWN
    return BirthDateAgreement.YEAR if known_year_a == known_year_b else BirthDateAgreement.DIFFERENT
