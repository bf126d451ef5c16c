from django.apps import AppConfig


class NewsroomConfig(AppConfig):
    name = "newsroom"
    verbose_name = "Tòa soạn"

    def ready(self) -> None:
        # Connects the signals that start a new cache version when content changes.
        from . import caching  # noqa: F401
