"""Test fixtures shared by the Citizen Spaces tests: a small catalogue offered at the demo
Citizen Space of Ksar el Ababsa (municipality of Ghomrassen).

`make_catalogue()` needs the demo offices (the `demo` fixture) and returns::

    {
        "office": Office citizen-space-ksar-el-ababsa,
        "other_office": Office citizen-space-ghomrassen (same municipality),
        "department": Department "test-civil-status",
        "department_urbanism": Department "test-urbanism",
        "category": ServiceCategory "test-civil-status" (extracts, legalisations),
        "category_permits": ServiceCategory "test-permits",
        "birth": ServiceType "test-birth-extract": online, 1 working day, free,
        "legalisation": ServiceType "test-legalisation": desk only, 0 days, 0.600 TND,
        "permit": ServiceType "test-building-permit": 20 working days, 50 TND,
        "elsewhere": ServiceType "test-occupation": offered only at the other office,
    }

Ticket letters are unique across categories, so the fixture takes letters no other
category uses yet (the demo catalogue may already hold A, B, C…)."""

from decimal import Decimal

from wasla.citizen_spaces.models import Department, ServiceCategory, ServiceType
from wasla.organisations.models import Office

OFFICE_SLUG = "citizen-space-ksar-el-ababsa"
OTHER_OFFICE_SLUG = "citizen-space-ghomrassen"


def _free_letter() -> str:
    taken = set(ServiceCategory.objects.values_list("ticket_prefix", flat=True))
    for letter in "XYZWVUTSRQPNMKJHGFEDCBA":
        if letter not in taken:
            return letter
    raise RuntimeError("no ticket letter left for a test category")


def _category(slug: str, names: tuple[str, str, str], position: int) -> ServiceCategory:
    category = ServiceCategory.objects.filter(slug=slug).first()
    if category is None:
        category = ServiceCategory.objects.create(
            slug=slug,
            ticket_prefix=_free_letter(),
            position=position,
            name_ar=names[0],
            name_fr=names[1],
            name_en=names[2],
        )
    return category


def _service(code: str, offices, **fields) -> ServiceType:
    service, _created = ServiceType.objects.update_or_create(code=code, defaults=fields)
    service.offices.set(offices)
    return service


def make_catalogue() -> dict:
    office = Office.objects.get(slug=OFFICE_SLUG)
    other_office = Office.objects.get(slug=OTHER_OFFICE_SLUG)
    department, _ = Department.objects.get_or_create(
        slug="test-civil-status",
        defaults={"name_ar": "الحالة المدنية", "name_fr": "État civil", "name_en": "Civil status"},
    )
    department_urbanism, _ = Department.objects.get_or_create(
        slug="test-urbanism",
        defaults={"name_ar": "التعمير", "name_fr": "Urbanisme", "name_en": "Urban planning"},
    )
    category = _category(
        "test-civil-status", ("الحالة المدنية", "État civil", "Civil status"), position=90
    )
    category_permits = _category("test-permits", ("الرخص", "Autorisations", "Permits"), position=91)
    birth = _service(
        "test-birth-extract",
        [office, other_office],
        category=category,
        department=department,
        name_ar="مضمون ولادة",
        name_fr="Extrait de naissance",
        name_en="Birth certificate extract",
        description_fr="Extrait d'acte de naissance.",
        description_en="Extract of a birth record.",
        description_ar="مضمون من رسم الولادة.",
        requirements_ar="بطاقة التعريف الوطنية",
        requirements_fr="Carte d'identité nationale",
        requirements_en="National identity card",
        fee_tnd=Decimal("0"),
        target_working_days=1,
        online=True,
        is_active=True,
    )
    legalisation = _service(
        "test-legalisation",
        [office],
        category=category,
        department=department,
        name_ar="التعريف بالإمضاء",
        name_fr="Légalisation de signature",
        name_en="Signature legalisation",
        fee_tnd=Decimal("0.600"),
        target_working_days=0,
        online=False,
        is_active=True,
    )
    permit = _service(
        "test-building-permit",
        [office],
        category=category_permits,
        department=department_urbanism,
        name_ar="رخصة بناء",
        name_fr="Permis de bâtir",
        name_en="Building permit",
        requirements_fr="Plan de situation\nTitre de propriété",
        requirements_en="Site plan\nProof of ownership",
        requirements_ar="مثال موقعي\nشهادة ملكية",
        fee_tnd=Decimal("50"),
        target_working_days=20,
        online=True,
        is_active=True,
    )
    elsewhere = _service(
        "test-occupation",
        [other_office],
        category=category_permits,
        department=department_urbanism,
        name_ar="إشغال الطريق العام",
        name_fr="Occupation du domaine public",
        name_en="Public-space occupation",
        fee_tnd=Decimal("10"),
        target_working_days=5,
        online=False,
        is_active=True,
    )
    return {
        "office": office,
        "other_office": other_office,
        "department": department,
        "department_urbanism": department_urbanism,
        "category": category,
        "category_permits": category_permits,
        "birth": birth,
        "legalisation": legalisation,
        "permit": permit,
        "elsewhere": elsewhere,
    }
