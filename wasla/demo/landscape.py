"""The demo data set: the real landscape of the programmes in `shared/seeds/`.

Organisations are those the seeds name (the women's union bureaus of Kairouan and Tataouine,
the Local Democracy Agency of Kairouan, Skills to Succeed, Tunisia Ecotourism, the national
employment agency ANETI, the Office for Tunisians Abroad and its Tounesna reintegration
antennas, the municipalities with Citizen Spaces, the Tataouine incubator, the donors).
Places are GeoNames localities named by their GeoNames name; nothing here is a coordinate.
Staff names are invented.
"""

from dataclasses import dataclass, field

WEEKDAY_HOURS = (
    [(day, "08:00", "12:30") for day in range(4)]
    + [(day, "13:30", "17:00") for day in range(4)]
    + [(4, "08:00", "13:30")]
)
CITIZEN_SPACE_HOURS = [*WEEKDAY_HOURS, (5, "08:00", "12:00")]


@dataclass(frozen=True)
class MunicipalitySpec:
    governorate: str
    seat: str  # GeoNames name of the seat locality
    name_ar: str
    name_fr: str
    name_en: str


@dataclass(frozen=True)
class OfficeSpec:
    slug: str
    kind: str
    locality: str  # GeoNames name
    name_ar: str
    name_fr: str
    name_en: str
    hours: list = field(default_factory=lambda: WEEKDAY_HOURS)
    phone: str = ""


@dataclass(frozen=True)
class OrganisationSpec:
    slug: str
    kind: str
    name_ar: str
    name_fr: str
    name_en: str
    acronym: str = ""
    governorate: str | None = None
    municipality: str | None = None  # seat name of a MunicipalitySpec
    website: str = ""
    offices: list[OfficeSpec] = field(default_factory=list)


@dataclass(frozen=True)
class UserSpec:
    username: str
    first_name: str
    last_name: str
    role: str
    organisation: str
    office: str | None = None
    language: str = "ar"
    superuser: bool = False


DEMO_PASSWORD = "Wasla-demo-2026"

MUNICIPALITIES = [
    MunicipalitySpec("TN-41", "Kairouan", "القيروان", "Kairouan", "Kairouan"),
    MunicipalitySpec("TN-41", "Haffouz", "حفوز", "Haffouz", "Haffouz"),
    MunicipalitySpec("TN-41", "Sbikha", "السبيخة", "Sbikha", "Sbikha"),
    MunicipalitySpec("TN-41", "Hajeb el Aïoun", "حاجب العيون", "Hajeb el Aïoun", "Hajeb el Ayoun"),
    MunicipalitySpec("TN-41", "Ousseltia", "الوسلاتية", "Ousseltia", "Ousseltia"),
    MunicipalitySpec("TN-82", "Medenine", "مدنين", "Médenine", "Medenine"),
    MunicipalitySpec("TN-82", "Ben Gardane", "بن قردان", "Ben Gardane", "Ben Guerdane"),
    MunicipalitySpec("TN-82", "Zarzis", "جرجيس", "Zarzis", "Zarzis"),
    MunicipalitySpec(
        "TN-82", "Houmt Souk", "جربة حومة السوق", "Djerba Houmt Souk", "Djerba Houmt Souk"
    ),
    MunicipalitySpec("TN-83", "Tataouine", "تطاوين", "Tataouine", "Tataouine"),
    MunicipalitySpec("TN-83", "Ghomrassen", "غمراسن", "Ghomrassen", "Ghomrassen"),
    MunicipalitySpec("TN-83", "Remada", "رمادة", "Remada", "Remada"),
    MunicipalitySpec("TN-83", "Dehiba", "الذهيبة", "Dehiba", "Dhehiba"),
    MunicipalitySpec("TN-11", "Tunis", "تونس", "Tunis", "Tunis"),
    MunicipalitySpec("TN-11", "La Marsa", "المرسى", "La Marsa", "La Marsa"),
    MunicipalitySpec("TN-11", "Le Bardo", "باردو", "Le Bardo", "Bardo"),
]

CORRIDORS = [
    {
        "slug": "kairouan",
        "name_ar": "ممر القيروان",
        "name_fr": "Corridor de Kairouan",
        "name_en": "Kairouan corridor",
        "description_ar": "ممر الهجرة الداخلية حول القيروان: من الأرياف نحو المدينة ونحو الساحل.",
        "description_fr": "Le corridor de migration interne autour de Kairouan : des campagnes vers la ville et vers le littoral.",
        "description_en": "The internal migration corridor around Kairouan: from the countryside to the city and on to the coast.",
        "governorates": ["TN-41"],
    },
    {
        "slug": "medenine-tataouine",
        "name_ar": "ممر مدنين - تطاوين",
        "name_fr": "Corridor Médenine–Tataouine",
        "name_en": "Medenine–Tataouine corridor",
        "description_ar": "ممر الهجرة في الجنوب الشرقي بين تطاوين ومدنين وجربة وجرجيس.",
        "description_fr": "Le corridor de migration du Sud-Est, entre Tataouine, Médenine, Djerba et Zarzis.",
        "description_en": "The south-eastern migration corridor between Tataouine, Medenine, Djerba and Zarzis.",
        "governorates": ["TN-82", "TN-83"],
    },
]


def _antenna(region_slug: str, locality: str, name_ar: str, name_fr: str) -> OfficeSpec:
    return OfficeSpec(
        slug=f"ote-antenna-{region_slug}",
        kind="reintegration_antenna",
        locality=locality,
        name_ar=f"هوائي تونسنا لإعادة الإدماج - {name_ar}",
        name_fr=f"Antenne Tounesna de réinsertion – {name_fr}",
        name_en=f"Tounesna reintegration antenna – {name_fr}",
    )


def _employment_office(slug: str, locality: str, name_ar: str, name_fr: str) -> OfficeSpec:
    return OfficeSpec(
        slug=f"aneti-{slug}",
        kind="employment_office",
        locality=locality,
        name_ar=f"مكتب التشغيل والعمل المستقل - {name_ar}",
        name_fr=f"Bureau de l'emploi et du travail indépendant – {name_fr}",
        name_en=f"Employment and self-employment office – {name_fr}",
    )


def _citizen_space(slug: str, locality: str, name_ar: str, name_fr: str) -> OfficeSpec:
    return OfficeSpec(
        slug=f"citizen-space-{slug}",
        kind="citizen_space",
        locality=locality,
        name_ar=f"فضاء المواطن - {name_ar}",
        name_fr=f"Espace citoyen – {name_fr}",
        name_en=f"Citizen Space – {name_fr}",
        hours=CITIZEN_SPACE_HOURS,
    )


def _municipality(
    slug: str, governorate: str, seat: str, names: tuple[str, str, str], offices
) -> OrganisationSpec:
    """A municipality as an organisation, with the Citizen Spaces it runs."""
    name_ar, name_fr, name_en = names
    return OrganisationSpec(
        slug=f"municipality-{slug}",
        kind="municipality",
        governorate=governorate,
        municipality=seat,
        name_ar=f"بلدية {name_ar}",
        name_fr=f"Municipalité de {name_fr}",
        name_en=f"Municipality of {name_en}",
        offices=offices,
    )


ORGANISATIONS = [
    OrganisationSpec(
        slug="unft-kairouan",
        kind="ngo",
        acronym="UNFT",
        governorate="TN-41",
        name_ar="الاتحاد الوطني للمرأة التونسية - المكتب الجهوي بالقيروان",
        name_fr="Union nationale de la femme tunisienne – bureau régional de Kairouan",
        name_en="National Union of Tunisian Women – Kairouan regional bureau",
        offices=[
            OfficeSpec(
                "unft-kairouan-bureau",
                "head_office",
                "Kairouan",
                "المكتب الجهوي بالقيروان",
                "Bureau régional de Kairouan",
                "Kairouan regional bureau",
            )
        ],
    ),
    OrganisationSpec(
        slug="unft-tataouine",
        kind="ngo",
        acronym="UNFT",
        governorate="TN-83",
        name_ar="الاتحاد الوطني للمرأة التونسية - المكتب الجهوي بتطاوين",
        name_fr="Union nationale de la femme tunisienne – bureau régional de Tataouine",
        name_en="National Union of Tunisian Women – Tataouine regional bureau",
        offices=[
            OfficeSpec(
                "unft-tataouine-bureau",
                "head_office",
                "Tataouine",
                "المكتب الجهوي بتطاوين",
                "Bureau régional de Tataouine",
                "Tataouine regional bureau",
            )
        ],
    ),
    OrganisationSpec(
        slug="lda-kairouan",
        kind="ngo",
        acronym="ADL",
        governorate="TN-41",
        name_ar="وكالة الديمقراطية المحلية بالقيروان",
        name_fr="Agence de la démocratie locale de Kairouan",
        name_en="Local Democracy Agency Kairouan",
        offices=[
            OfficeSpec(
                "lda-kairouan-office",
                "head_office",
                "Kairouan",
                "مقر الوكالة بالقيروان",
                "Siège de l'ADL à Kairouan",
                "LDA office in Kairouan",
            )
        ],
    ),
    OrganisationSpec(
        slug="skills-to-succeed",
        kind="ngo",
        governorate="TN-83",
        name_ar="مهارات للنجاح - منظمة تنمية محلية بتطاوين",
        name_fr="Skills to Succeed – organisation de développement local de Tataouine",
        name_en="Skills to Succeed – Tataouine local development organisation",
        offices=[
            OfficeSpec(
                "tataouine-incubator",
                "incubator",
                "Tataouine",
                "مركز الاحتضان والعمل المشترك بتطاوين",
                "Centre d'incubation et de coworking de Tataouine",
                "Tataouine business incubation and coworking centre",
            ),
        ],
    ),
    OrganisationSpec(
        slug="tunisia-ecotourism",
        kind="company",
        name_ar="تونس للسياحة البيئية",
        name_fr="Tunisia Ecotourism",
        name_en="Tunisia Ecotourism",
        offices=[
            OfficeSpec(
                "tunisia-ecotourism-tunis",
                "head_office",
                "Tunis",
                "المقر بتونس",
                "Siège à Tunis",
                "Tunis head office",
            )
        ],
    ),
    OrganisationSpec(
        slug="aneti",
        kind="national_agency",
        acronym="ANETI",
        name_ar="الوكالة الوطنية للتشغيل والعمل المستقل",
        name_fr="Agence nationale pour l'emploi et le travail indépendant",
        name_en="National Agency for Employment and Independent Work",
        offices=[
            _employment_office("kairouan", "Kairouan", "القيروان", "Kairouan"),
            _employment_office("haffouz", "Haffouz", "حفوز", "Haffouz"),
            _employment_office("medenine", "Medenine", "مدنين", "Médenine"),
            _employment_office("ben-gardane", "Ben Gardane", "بن قردان", "Ben Gardane"),
            _employment_office("tataouine", "Tataouine", "تطاوين", "Tataouine"),
            _employment_office("tunis", "Tunis", "تونس", "Tunis"),
        ],
    ),
    OrganisationSpec(
        slug="ote",
        kind="national_agency",
        acronym="OTE",
        name_ar="ديوان التونسيين بالخارج",
        name_fr="Office des Tunisiens à l'étranger",
        name_en="Office for Tunisians Abroad",
        offices=[
            _antenna("tunis", "Tunis", "تونس", "Tunis"),
            _antenna("sfax", "Sfax", "صفاقس", "Sfax"),
            _antenna("medenine", "Medenine", "مدنين", "Médenine"),
            _antenna("bizerte", "Bizerte", "بنزرت", "Bizerte"),
            _antenna("le-kef", "El Kef", "الكاف", "Le Kef"),
            _antenna("tataouine", "Tataouine", "تطاوين", "Tataouine"),
            _antenna("monastir", "Monastir", "المنستير", "Monastir"),
            _antenna("kairouan", "Kairouan", "القيروان", "Kairouan"),
            _antenna("gafsa", "Gafsa", "قفصة", "Gafsa"),
        ],
    ),
    OrganisationSpec(
        slug="atfp",
        kind="training_provider",
        acronym="ATFP",
        name_ar="الوكالة التونسية للتكوين المهني",
        name_fr="Agence tunisienne de la formation professionnelle",
        name_en="Tunisian Vocational Training Agency",
        offices=[
            OfficeSpec(
                "atfp-kairouan",
                "training_centre",
                "Kairouan",
                "مركز التكوين المهني بالقيروان",
                "Centre de formation professionnelle de Kairouan",
                "Kairouan vocational training centre",
            ),
            OfficeSpec(
                "atfp-tataouine",
                "training_centre",
                "Tataouine",
                "مركز التكوين المهني بتطاوين",
                "Centre de formation professionnelle de Tataouine",
                "Tataouine vocational training centre",
            ),
            OfficeSpec(
                "atfp-medenine",
                "training_centre",
                "Medenine",
                "مركز التكوين المهني بمدنين",
                "Centre de formation professionnelle de Médenine",
                "Medenine vocational training centre",
            ),
        ],
    ),
    OrganisationSpec(
        slug="enda-tamweel",
        kind="microfinance",
        name_ar="إندا تمويل",
        name_fr="Enda Tamweel",
        name_en="Enda Tamweel",
        offices=[
            OfficeSpec(
                "enda-tamweel-tunis",
                "head_office",
                "Tunis",
                "المقر بتونس",
                "Siège à Tunis",
                "Tunis head office",
            )
        ],
    ),
    OrganisationSpec(
        slug="sdc",
        kind="donor",
        acronym="DDC",
        name_ar="الوكالة السويسرية للتنمية والتعاون",
        name_fr="Direction du développement et de la coopération (Suisse)",
        name_en="Swiss Agency for Development and Cooperation",
    ),
    OrganisationSpec(
        slug="cities-alliance",
        kind="donor",
        name_ar="تحالف المدن",
        name_fr="Cities Alliance",
        name_en="Cities Alliance",
    ),
    _municipality(
        "kairouan",
        "TN-41",
        "Kairouan",
        ("القيروان", "Kairouan", "Kairouan"),
        offices=[
            _citizen_space("kairouan-medina", "Kairouan", "القيروان المدينة", "Kairouan Médina"),
            _citizen_space(
                "sidi-amor-bou-hajela",
                "Sidi Amor Bou Hajela",
                "سيدي عمر بوحجلة",
                "Sidi Amor Bou Hajla",
            ),
        ],
    ),
    _municipality(
        "haffouz",
        "TN-41",
        "Haffouz",
        ("حفوز", "Haffouz", "Haffouz"),
        offices=[_citizen_space("haffouz", "Haffouz", "حفوز", "Haffouz")],
    ),
    _municipality(
        "medenine",
        "TN-82",
        "Medenine",
        ("مدنين", "Médenine", "Medenine"),
        offices=[_citizen_space("medenine", "Medenine", "مدنين", "Médenine")],
    ),
    _municipality(
        "ben-gardane",
        "TN-82",
        "Ben Gardane",
        ("بن قردان", "Ben Gardane", "Ben Guerdane"),
        offices=[_citizen_space("ben-gardane", "Ben Gardane", "بن قردان", "Ben Gardane")],
    ),
    _municipality(
        "tataouine",
        "TN-83",
        "Tataouine",
        ("تطاوين", "Tataouine", "Tataouine"),
        offices=[
            _citizen_space("tataouine-centre", "Tataouine", "تطاوين المدينة", "Tataouine centre"),
        ],
    ),
    _municipality(
        "ghomrassen",
        "TN-83",
        "Ghomrassen",
        ("غمراسن", "Ghomrassen", "Ghomrassen"),
        offices=[
            _citizen_space("ghomrassen", "Ghomrassen", "غمراسن", "Ghomrassen"),
            _citizen_space("ksar-el-ababsa", "Ksar el Ababsa", "قصر العبابسة", "Ksar el Ababsa"),
        ],
    ),
    _municipality(
        "tunis",
        "TN-11",
        "Tunis",
        ("تونس", "Tunis", "Tunis"),
        offices=[_citizen_space("tunis-bab-souika", "Tunis", "باب سويقة", "Bab Souika")],
    ),
]

USERS = [
    UserSpec(
        "admin", "Leïla", "Ben Salah", "administrator", "municipality-ghomrassen", language="fr"
    ),
    UserSpec("counsellor", "Karim", "Trabelsi", "counsellor", "ote", office="ote-antenna-medenine"),
    UserSpec(
        "agent",
        "Amira",
        "Jlassi",
        "front_desk_agent",
        "municipality-ghomrassen",
        office="citizen-space-ksar-el-ababsa",
    ),
    UserSpec("partner", "Salma", "Gharbi", "partner_caseworker", "unft-kairouan"),
    UserSpec(
        "employment",
        "Youssef",
        "Hammami",
        "employment_officer",
        "aneti",
        office="aneti-tataouine",
        language="fr",
    ),
    UserSpec("manager", "Nour", "Mansouri", "programme_manager", "lda-kairouan", language="en"),
    UserSpec("auditor", "Hichem", "Ayari", "auditor", "lda-kairouan", language="fr"),
    UserSpec(
        "platform",
        "Sami",
        "Bouazizi",
        "administrator",
        "lda-kairouan",
        language="en",
        superuser=True,
    ),
]


@dataclass(frozen=True)
class ProgrammeSpec:
    slug: str
    name_ar: str
    name_fr: str
    name_en: str
    follow_up_months: tuple[int, ...] = (3, 6, 12)


PROGRAMMES = [
    ProgrammeSpec(
        "reintegration",
        "إعادة إدماج المهاجرين العائدين (تونسنا)",
        "Réinsertion des migrants de retour (Tounesna)",
        "Reintegration of returning migrants (Tounesna)",
    ),
    ProgrammeSpec(
        "employment-inclusion",
        "دعم التشغيل والإدماج",
        "Appui à l'emploi et à l'inclusion",
        "Employment and inclusion support",
    ),
    ProgrammeSpec(
        "displaced-support",
        "دعم الأشخاص المهجّرين",
        "Appui aux personnes déplacées",
        "Support for displaced people",
    ),
]

# A few people with cases at the Medenine antenna, so that the caseload, the timeline and
# the partner inbox have something to show. Invented people.
SAMPLE_PEOPLE = [
    {
        "given_name_ar": "سامي",
        "family_name_ar": "الورتاني",
        "given_name_latin": "Sami",
        "family_name_latin": "Ouertani",
        "sex": "male",
        "birth_year": 1992,
        "phone": "+216 98 410 220",
        "population_group": "returning_migrant",
        "contact_channel": "sms",
        "returned_from": "IT",
        "return_year": 2025,
        "return_type": "forced",
        "stage": "assessment",
    },
    {
        "given_name_ar": "هاجر",
        "family_name_ar": "بن عمر",
        "given_name_latin": "Hajer",
        "family_name_latin": "Ben Amor",
        "sex": "female",
        "birth_year": 1988,
        "phone": "+216 55 301 776",
        "population_group": "returning_migrant",
        "contact_channel": "phone_call",
        "returned_from": "FR",
        "return_year": 2024,
        "return_type": "voluntary",
        "stage": "plan_agreed",
    },
]
