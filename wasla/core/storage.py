"""Where uploaded personal documents live: outside the web root, never served by the web
server or whitenoise; a view checks permissions and streams the file."""

import os

from django.conf import settings
from django.core.files.storage import FileSystemStorage


class PrivateFileStorage(FileSystemStorage):
    """Files under PRIVATE_MEDIA_ROOT, read from the settings at each use (tests move it)."""

    @property
    def base_location(self):
        return settings.PRIVATE_MEDIA_ROOT

    @property
    def location(self):
        return os.path.abspath(self.base_location)

    def url(self, name):
        raise ValueError("Private files have no public address; serve them through a view.")


def private_storage() -> FileSystemStorage:
    return PrivateFileStorage()
