from django.apps import AppConfig


class NewsroomConfig(AppConfig):
    name = "newsroom"
    verbose_name = "Tòa soạn"

    def ready(self) -> None:
        # Connects the signals: a new cache version when content changes, rich text cleaned on every save.
        from . import caching, richtext  # noqa: F401
