from django.apps import AppConfig


class NewsroomConfig(AppConfig):
    name = "newsroom"
    verbose_name = "Tòa soạn"

    def ready(self) -> None:
        # Connects the signals: a new cache version when content changes, rich text cleaned on every save, article
        # counts kept.
        from . import caching, richtext, tallies  # noqa: F401
