from django.apps import AppConfig


class NewsroomConfig(AppConfig):
    name = "newsroom"
    verbose_name = "Tòa soạn"

    def ready(self) -> None:
        from . import richtext  # noqa: F401 - connects the signal that cleans rich text on every save
