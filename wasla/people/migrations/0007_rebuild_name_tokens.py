"""The name search keys changed with the linkage engine's standardisation (article-free and
vowel-free forms, ه read as ة, kh and th folds): rebuild every person's search tokens so that
records registered before still match new searches. Safe to run again."""

from django.db import migrations

# As in wasla.people.validation.NAME_FIELDS when this migration was written.
NAME_FIELDS = (
    "given_name_ar",
    "father_name_ar",
    "family_name_ar",
    "given_name_latin",
    "father_name_latin",
    "family_name_latin",
)
CHUNK = 2000


def rebuild_name_tokens(apps, schema_editor):
    from wasla.engines.linkage import standardise

    Person = apps.get_model("people", "Person")
    PersonNameToken = apps.get_model("people", "PersonNameToken")
    last_pk = 0
    while True:
        people = list(
            Person.objects.filter(pk__gt=last_pk).order_by("pk").values("pk", *NAME_FIELDS)[:CHUNK]
        )
        if not people:
            return
        last_pk = people[-1]["pk"]
        PersonNameToken.objects.filter(person_id__in=[row["pk"] for row in people]).delete()
        tokens = []
        for row in people:
            keys = set()
            for field in NAME_FIELDS:
                keys.update(token for token in standardise.name_tokens(row[field] or "") if token)
            tokens.extend(
                PersonNameToken(person_id=row["pk"], token=token[:40]) for token in sorted(keys)
            )
        PersonNameToken.objects.bulk_create(tokens)


class Migration(migrations.Migration):
    dependencies = [("people", "0006_partner_file_tasks")]

    operations = [migrations.RunPython(rebuild_name_tokens, migrations.RunPython.noop)]
