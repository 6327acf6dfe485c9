import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "wasla.settings")
application = get_wsgi_application()

from wasla.core.startup import warm_up  # noqa: E402 - needs the settings loaded above

warm_up()
