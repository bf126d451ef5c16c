"""What happens to a public submission: it is received, then approved, rejected or marked as spam.

Every step runs in one transaction and writes files only after everything has been checked; if anything
fails, the files already written are removed, so a failed step leaves nothing behind.
"""

import logging
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import PurePath
from smtplib import SMTPException

import reversion
from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.base_user import AbstractBaseUser
from django.core.files import File
from django.core.files.storage import default_storage
from django.core.mail import EmailMessage
from django.db import models, transaction
from django.db.models import Q
from django.http import HttpRequest
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext

from . import images, richtext
from .forms import SubmissionForm
from .models import (
    Article,
    ArticleImage,
    Event,
    Image,
    Status,
    Submission,
    SubmissionDecision,
    SubmissionImage,
    vietnamese_slugify,
)
from .roles import ADMINISTRATORS

logger = logging.getLogger(__name__)

EXTENSIONS = {"JPEG": ".jpg", "PNG": ".png", "WEBP": ".webp"}


class StatusConflict(Exception):
    """The decision does not fit the submission's current status; another moderator may have decided first."""


@contextmanager
def files_removed_on_error() -> Iterator[list[str]]:
    """Collects the storage names a block writes, and deletes them (with any renditions) if the block fails."""
    written: list[str] = []
    try:
        yield written
    except BaseException:
        images.remove_files(default_storage, written)
        raise


def send(subject: str, template: str, context: dict, to: list[str]) -> bool:
    """Send a plain-text e-mail; a mail server that is down is logged, never shown to the visitor as an error."""
    if not to:
        return False
    body = render_to_string(template, context)
    try:
        EmailMessage(subject=subject, body=body, to=to).send()
    except (SMTPException, OSError):
        logger.exception("Could not send %r to %s", subject, to)
        return False
    return True


def moderator_addresses() -> list[str]:
    """The e-mail addresses of active administrators (the group, and superusers)."""
    users = get_user_model().objects.filter(Q(groups__name=ADMINISTRATORS) | Q(is_superuser=True), is_active=True)
    return sorted(set(users.exclude(email="").values_list("email", flat=True)))


def receive(form: SubmissionForm, request: HttpRequest) -> Submission:
    """Save a valid submission with its pictures, then send the receipt and tell the administrators."""
    with files_removed_on_error() as written, transaction.atomic():
        submission = form.save(commit=False)
        submission.consented_at = timezone.now()
        submission.language = translation.get_language()
        submission.save()
        for position, (upload, verified) in enumerate(form.verified_images):
            picture = SubmissionImage(submission=submission, original_name=upload.name[:255], position=position)
            picture.file.save(f"image{EXTENSIONS[verified.format]}", upload, save=False)
            written.append(picture.file.name)
            picture.save()
    admin_url = request.build_absolute_uri(reverse("admin:newsroom_submission_change", args=[submission.pk]))
    context = {"submission": submission, "admin_url": admin_url}
    subject = gettext("Tòa soạn đã nhận bài gửi %(reference)s") % {"reference": submission.reference}
    send(subject, "newsroom/email/receipt.txt", context, [submission.email])
    # The newsroom works in Vietnamese, whatever language the sender wrote in.
    with translation.override(settings.LANGUAGE_CODE):
        send(
            f"Bài gửi mới {submission.reference}: {submission.title}",
            "newsroom/email/new_submission.txt",
            context,
            moderator_addresses(),
        )
    return submission


def unique_slug(model: type[models.Model], text: str, fallback: str) -> str:
    """A free slug for a new record: the title's, numbered if taken, or the fallback when the title has none."""
    base = vietnamese_slugify(text)[:180].strip("-") or fallback
    slug, number = base, 1
    while model._default_manager.filter(slug=slug).exists():
        number += 1
        slug = f"{base}-{number}"
    return slug


def locked(submission: Submission, allowed: set[str]) -> Submission:
    """The submission, locked until the transaction ends, if its status allows the decision; two moderators
    acting at once cannot both decide."""
    current = Submission.objects.select_for_update().get(pk=submission.pk)
    if current.status not in allowed:
        raise StatusConflict(current.reference)
    return current


def record(submission: Submission, status: str, user: AbstractBaseUser, reason: str = "") -> None:
    """Give a locked submission its new status and add the step to its trail."""
    submission.status = status
    submission.save()
    SubmissionDecision.objects.create(submission=submission, status=status, reason=reason, decided_by=user)


def copy_pictures(submission: Submission, written: list[str]) -> list[Image]:
    """Copy the submission's pictures into the image library, credited to the sender, for the editors to caption."""
    copies = []
    credit = submission.organisation or submission.name
    for picture in submission.images.all():
        image = Image(alt_text=f"Ảnh gửi kèm bài “{submission.title}”"[:300], credit=f"Ảnh: {credit}"[:200])
        with picture.file.open("rb") as source:
            image.file.save(PurePath(picture.file.name).name, File(source), save=False)
        written.append(image.file.name)
        image.save()
        # Saving stores a cleaned copy under its content hash, with renditions: that name is written too.
        written.append(image.file.name)
        copies.append(image)
    return copies


def approve(submission: Submission, user: AbstractBaseUser) -> Article | Event:
    """Turn a pending submission into a draft article or event that carries its text, pictures and places."""
    with files_removed_on_error() as written, transaction.atomic(), reversion.create_revision():
        reversion.set_user(user)
        reversion.set_comment(f"Tạo từ bài gửi {submission.reference}")
        submission = locked(submission, {Submission.State.PENDING})
        pictures = copy_pictures(submission, written)
        if submission.kind == Submission.Kind.EVENT:
            draft = Event.objects.create(
                title=submission.title,
                slug=unique_slug(Event, submission.title, f"su-kien-gui-{submission.pk}"),
                kind=Event.Kind.OTHER,
                status=Status.DRAFT,
                start_date=submission.event_date,
                province=submission.province,
                country=submission.country,
                description=richtext.from_plain_text(submission.text),
                image=pictures[0] if pictures else None,
            )
            submission.event = draft
        else:
            draft = Article.objects.create(
                title=submission.title,
                slug=unique_slug(Article, submission.title, f"bai-gui-{submission.pk}"),
                body=richtext.from_plain_text(submission.text),
                byline=submission.name,
                source_name=submission.organisation,
                status=Status.DRAFT,
                cover_image=pictures[0] if pictures else None,
            )
            if submission.province:
                draft.provinces.add(submission.province)
            if submission.country:
                draft.countries.add(submission.country)
            ArticleImage.objects.bulk_create(
                ArticleImage(article=draft, image=image, position=position) for position, image in enumerate(pictures)
            )
            submission.article = draft
        record(submission, Submission.State.APPROVED, user)
    with translation.override(submission.language):
        subject = gettext("Bài gửi %(reference)s đã được nhận biên tập") % {"reference": submission.reference}
        send(subject, "newsroom/email/approved.txt", {"submission": submission}, [submission.email])
    return draft


def reject(submission: Submission, user: AbstractBaseUser, reason: str) -> None:
    """Refuse a pending submission and tell the sender why, in the moderator's words."""
    with transaction.atomic():
        submission = locked(submission, {Submission.State.PENDING})
        record(submission, Submission.State.REJECTED, user, reason)
    # The sender reads the notice in the language they wrote in; the reason stays in the moderator's words.
    with translation.override(submission.language):
        subject = gettext("Bài gửi %(reference)s chưa được đăng") % {"reference": submission.reference}
        send(subject, "newsroom/email/rejected.txt", {"submission": submission, "reason": reason}, [submission.email])


def mark_spam(submission: Submission, user: AbstractBaseUser) -> None:
    """Set a pending submission aside as spam; it is kept, and nobody is written to."""
    with transaction.atomic():
        record(locked(submission, {Submission.State.PENDING}), Submission.State.SPAM, user)


def reopen(submission: Submission, user: AbstractBaseUser, reason: str = "") -> None:
    """Put a rejected or spam submission back in the queue (an approved one already has its draft)."""
    with transaction.atomic():
        current = locked(submission, {Submission.State.REJECTED, Submission.State.SPAM})
        record(current, Submission.State.PENDING, user, reason)
