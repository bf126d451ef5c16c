"""Which content fields have English and Korean versions (django-modeltranslation adds ``<field>_vi/_en/_ko``).

Country, province and partner names are not here: their English and Korean names were columns of their own
before translations came (see ``NamedInLanguages``).
"""

from modeltranslation.translator import TranslationOptions, register

from .models import Article, Event, Partner, Partnership


@register(Article)
class ArticleTranslation(TranslationOptions):
    fields = ("title", "lead", "body")
    required_languages = ("vi",)


@register(Event)
class EventTranslation(TranslationOptions):
    fields = ("title", "description", "venue")
    required_languages = ("vi",)


@register(Partner)
class PartnerTranslation(TranslationOptions):
    fields = ("description",)


@register(Partnership)
class PartnershipTranslation(TranslationOptions):
    fields = ("fields_of_cooperation",)
