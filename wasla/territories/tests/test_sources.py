from wasla.territories.sources import arabic_name


def test_arabic_name_keeps_arabic_script_and_skips_persian_and_urdu_spellings():
    assert arabic_name(["Tunis", "تونس شہر", "تونس"]) == "تونس"
    assert arabic_name(["Aryanah", "aryanہ", "أريانة\u200e"]) == "أريانة"
    assert arabic_name(["Medenine", "Médenine"]) == ""
