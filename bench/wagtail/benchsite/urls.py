from django.contrib import admin
from django.urls import include, path
from wagtail import urls as wagtail_urls
from wagtail.admin import urls as wagtailadmin_urls
from wagtail.documents import urls as wagtaildocs_urls

from benchsite import views

urlpatterns = [
    path("bench/ceiling/", views.ceiling, name="bench-ceiling"),
    path("django-admin/", admin.site.urls),
    path("admin/", include(wagtailadmin_urls)),
    path("documents/", include(wagtaildocs_urls)),
    # Wagtail's page serving: the catch-all, last.
    path("", include(wagtail_urls)),
]
